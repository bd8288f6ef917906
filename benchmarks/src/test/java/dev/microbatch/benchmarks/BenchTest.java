package dev.microbatch.benchmarks;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;

import dev.microbatch.benchmarks.Bench.Run;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BenchTest {
  private static Run run(long wallMillis, long runMillis) {
    return new Run(wallMillis, 0, 0, runMillis, true, -1, -1);
  }

  @Test
  void speedupsDivideTheMedianAtOneByTheMedianAtTheHigherParallelismForTheWholeProcessAndFromRun() {
    Map<String, List<Run>> atTwo =
        Map.of(
            "MicroBatchRunner", List.of(run(8_000, 6_000), run(7_000, 5_000), run(9_500, 7_400)));
    Map<String, List<Run>> atOne =
        Map.of(
            "MicroBatchRunner",
            List.of(run(11_000, 9_000), run(10_500, 8_000), run(12_000, 9_900)));

    String speedups = Bench.speedups(atTwo, atOne, 2, 200);

    assertThat(
        speedups, containsString("the whole process: MicroBatchRunner 1.38x;")); // 11.0 s / 8.0 s
    assertThat(
        speedups,
        containsString("pipeline's construction): MicroBatchRunner 1.50x;")); // 9.0 s / 6.0 s
  }

  @Test
  void speedupsLeaveOutRunsThatDidNotFinish() {
    Map<String, List<Run>> atTwo =
        Map.of("hand-written", List.of(Run.NOT_FINISHED, Run.NOT_FINISHED, run(3_000, 2_900)));
    Map<String, List<Run>> atOne =
        Map.of("hand-written", List.of(run(5_100, 5_000), run(5_100, 5_000)));

    assertThat(
        Bench.speedups(atTwo, atOne, 2, 200),
        containsString("the whole process: hand-written 1.70x;"));
  }
}
