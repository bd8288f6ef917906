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
final class BatchRecorder<T> implements StreamingListener, BiConsumer<Dataset<T>, Long> {
  private final BlockingQueue<BatchInfo> completed = new LinkedBlockingQueue<>();
  final Map<Long, List<T>> outputs = new ConcurrentHashMap<>();

  static <T> BatchRecorder<T> of(DStream<T> stream) {
    BatchRecorder<T> recorder = new BatchRecorder<>();
    stream.foreachBatch(recorder);
    stream.context().addListener(recorder);
    return recorder;
  }

  @Override
  public void accept(Dataset<T> dataset, Long batchTime) {
    outputs.put(batchTime, dataset.collect());
  }

  @Override
  public void onBatchCompleted(BatchInfo batch) {
    completed.add(batch);
  }

  /** The next completed batch; fails the test if none completes within ten seconds. */
  BatchInfo awaitBatch() throws InterruptedException {
    BatchInfo batch = completed.poll(10, TimeUnit.SECONDS);
    assertNotNull(batch, "no batch completed within 10 s");
    return batch;
  }
}
