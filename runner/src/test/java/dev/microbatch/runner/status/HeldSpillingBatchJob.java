package dev.microbatch.runner.status;

import dev.microbatch.runner.MicroBatchPipelineResult;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.io.GenerateSequence;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.TypeDescriptors;

/**
 * A batch job with the status server on: {@link #NUMBERS} numbers grouped by their remainder of
 * 20,000 through a GroupByKey that spills (--shuffleMemoryMb=1, two tasks), whose step "Hold" holds
 * every group until {@link #release()}. Once {@link #awaitHeld} returns, the first stage is done
 * and the job holds still in the second while a test looks at it.
 */
final class HeldSpillingBatchJob {
  static final long NUMBERS = 200_000;

  /** Each job's latches: held, release. A DoFn is serialized, so it finds them by the job's id. */
  private static final Map<Integer, CountDownLatch[]> LATCHES = new ConcurrentHashMap<>();

  private static final AtomicInteger IDS = new AtomicInteger();

  private final int id;
  private final MicroBatchPipelineResult result;

  private static final class Hold extends DoFn<KV<Long, Iterable<Long>>, Long> {
    private final int job;

    Hold(int job) {
      this.job = job;
    }

    @ProcessElement
    public void process(@Element KV<Long, Iterable<Long>> group, OutputReceiver<Long> out)
        throws InterruptedException {
      CountDownLatch[] latches = LATCHES.get(job);
      latches[0].countDown();
      latches[1].await(60, TimeUnit.SECONDS);
      out.output(group.getKey());
    }
  }

  private HeldSpillingBatchJob(int id, MicroBatchPipelineResult result) {
    this.id = id;
    this.result = result;
  }

  static HeldSpillingBatchJob start() {
    int id = IDS.incrementAndGet();
    LATCHES.put(id, new CountDownLatch[] {new CountDownLatch(1), new CountDownLatch(1)});
    Pipeline pipeline =
        Pipeline.create(
            PipelineOptionsFactory.fromArgs(
                    "--runner=MicroBatchRunner",
                    "--parallelism=2",
                    "--shuffleMemoryMb=1",
                    "--blockOnRun=false",
                    "--statusPort=0")
                .create());
    pipeline
        .apply("Numbers", GenerateSequence.from(0).to(NUMBERS))
        .apply(
            "ByLastDigits",
            MapElements.into(TypeDescriptors.kvs(TypeDescriptors.longs(), TypeDescriptors.longs()))
                .via(n -> KV.of(n % 20_000, n)))
        .apply(GroupByKey.create())
        .apply("Hold", ParDo.of(new Hold(id)));
    return new HeldSpillingBatchJob(id, (MicroBatchPipelineResult) pipeline.run());
  }

  MicroBatchPipelineResult result() {
    return result;
  }

  /** Whether the job reached its held step within {@code seconds}. */
  boolean awaitHeld(int seconds) throws InterruptedException {
    return LATCHES.get(id)[0].await(seconds, TimeUnit.SECONDS);
  }

  void release() {
    LATCHES.get(id)[1].countDown();
  }

  /** Releases the job and waits for its end. */
  PipelineResult.State finish() {
    release();
    PipelineResult.State state = result.waitUntilFinish();
    LATCHES.remove(id);
    return state;
  }
}
