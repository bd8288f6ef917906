package dev.microbatch.engine.stream;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.microbatch.engine.dataset.Dataset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/** Collects each batch's output and statistics, so tests wait for batches instead of sleeping. */
final class MicroBatchRecorder<T> implements StreamingListener, BiConsumer<Dataset<T>, Long> {
  private final BlockingQueue<MicroBatchInfo> completed = new LinkedBlockingQueue<>();
  final Map<Long, List<T>> outputs = new ConcurrentHashMap<>();

  static <T> MicroBatchRecorder<T> of(DStream<T> stream) {
    MicroBatchRecorder<T> recorder = new MicroBatchRecorder<>();
    stream.foreachBatch(recorder);
    stream.context().addListener(recorder);
    return recorder;
  }

  @Override
  public void accept(Dataset<T> dataset, Long batchTime) {
    outputs.put(batchTime, dataset.collect());
  }

  @Override
  public void onBatchCompleted(MicroBatchInfo batch) {
    completed.add(batch);
  }

  /** The next completed batch; fails the test if none completes within ten seconds. */
  MicroBatchInfo awaitBatch() throws InterruptedException {
    MicroBatchInfo batch = completed.poll(10, TimeUnit.SECONDS);
    assertNotNull(batch, "no batch completed within 10 s");
    return batch;
  }
}
