package dev.microbatch.engine.scheduler;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;

import dev.microbatch.engine.dataset.EngineContext;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Each stage reports the records its tasks read from their inputs and handed on. */
class StageRecordCountsTest {
  @Test
  void aStageReadsWhatItsSourceOrShuffleGivesAndWritesWhatItHandsOn() {
    EngineContext engine = new EngineContext(2);
    JobProgress progress = new JobProgress(10);
    engine.addJobListener(progress);
    List<Integer> numbers = IntStream.range(0, 1000).boxed().toList();

    long keys =
        engine
            .parallelize(numbers, 4)
            .filter(n -> n % 2 == 0) // 500 of the 1000 read go on to the shuffle
            .union(engine.parallelize(List.of(-1, -2, -3), 1))
            .reduceByKey(n -> n % 10, n -> 1, Integer::sum, 3)
            .count();

    assertThat(keys, equalTo(8L)); // 0, 2, 4, 6, 8, -1, -2, -3
    List<JobProgress.StageProgress> stages = progress.jobs().get(0).stages();
    assertThat(stages.size(), equalTo(2));
    JobProgress.StageProgress map = stages.get(0);
    assertThat(map.recordsRead(), equalTo(1003L));
    assertThat(map.recordsWritten(), equalTo(503L));
    JobProgress.StageProgress reduce = stages.get(1);
    // the shuffle's reduce side gives one record per key, its values merged
    assertThat(reduce.recordsRead(), equalTo(8L));
    assertThat(reduce.recordsWritten(), equalTo(8L));
  }
}
