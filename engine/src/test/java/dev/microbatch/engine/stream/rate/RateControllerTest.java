package dev.microbatch.engine.stream.rate;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;

import dev.microbatch.engine.stream.MicroBatchInfo;
import dev.microbatch.engine.stream.RecordSource;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RateControllerTest {
  private static final long INTERVAL = 500;

  private record Source(String name, long backlog, boolean isRateLimited) implements RecordSource {
    @Override
    public long takeRecordCount(long batchTime) {
      return 0;
    }
  }

  private static MicroBatchInfo completed(long time, long records, long processingMillis) {
    return completed(time, records, processingMillis, 0);
  }

  private static MicroBatchInfo completed(
      long time, long records, long processingMillis, long waitedMillis) {
    return new MicroBatchInfo(
        time,
        Map.of("kafka", records),
        time,
        time + processingMillis,
        time,
        Long.MAX_VALUE,
        Map.of(),
        waitedMillis);
  }

  @Test
  void withoutAnInitialRateTheFirstBatchesAreUnlimited() {
    RateController controller =
        new RateController(new PIDRateEstimator(INTERVAL, 100), INTERVAL, 0, 0);
    Source kafka = new Source("kafka", 10, true);
    controller.planBatch(List.of(kafka));
    assertThat(controller.budget(), equalTo(Long.MAX_VALUE));
    assertThat(controller.shareOf(kafka), equalTo(Long.MAX_VALUE));
  }

  @Test
  void theBudgetIsTheEstimatedRateOverOneIntervalSharedByBacklogOrEvenly() {
    RateController controller =
        new RateController(new PIDRateEstimator(INTERVAL, 100), INTERVAL, 2000, 0);
    Source big = new Source("big", 300, true);
    Source small = new Source("small", 100, true);
    Source bounded = new Source("bounded", -1, false);
    controller.planBatch(List.of(big, small, bounded));
    assertThat(controller.budget(), equalTo(1000L)); // 2000 records/s over 500 ms
    assertThat(controller.shareOf(big), equalTo(750L));
    assertThat(controller.shareOf(small), equalTo(250L));
    assertThat(controller.shareOf(bounded), equalTo(Long.MAX_VALUE));

    // the job processes 1000 records/s: the estimate follows
    controller.onBatchCompleted(completed(1000, 1000, 1000));
    controller.onBatchCompleted(completed(1500, 500, 500));
    Source unknown = new Source("unknown", -1, true);
    controller.planBatch(List.of(big, unknown));
    assertThat(controller.budget(), equalTo(500L));
    assertThat(controller.shareOf(big), equalTo(250L));
    assertThat(controller.shareOf(unknown), equalTo(250L));
  }

  @Test
  void timeTheReadsWaitedForInputThatDidNotComeIsNotTakenForSlowProcessing() {
    RateController waited =
        new RateController(new PIDRateEstimator(INTERVAL, 100), INTERVAL, 2000, 0);
    RateController counted =
        new RateController(new PIDRateEstimator(INTERVAL, 100), INTERVAL, 2000, 0);
    for (RateController controller : List.of(waited, counted)) {
      controller.onBatchCompleted(completed(1000, 1000, 250));
    }
    // 1000 records in 250 ms of work, and a read that blocked 2 s on an idle partition
    waited.onBatchCompleted(completed(1500, 1000, 2250, 2000));
    counted.onBatchCompleted(completed(1500, 1000, 2250, 0));
    waited.planBatch(List.of(new Source("kafka", -1, true)));
    counted.planBatch(List.of(new Source("kafka", -1, true)));
    assertThat(waited.budget(), equalTo(2000L)); // 4000 records/s, as the batch before
    assertThat(counted.budget() < 300, equalTo(true));
  }

  @Test
  void aReaderCapIsItsRateOverOneInterval() {
    RateController controller =
        new RateController(new PIDRateEstimator(INTERVAL, 100), INTERVAL, 0, 300);
    assertThat(controller.maxRecordsPerReader(), equalTo(150L));
  }
}
