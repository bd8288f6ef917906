package dev.microbatch.runner;

import java.io.IOException;
import java.io.Serializable;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.SerializableCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.io.UnboundedSource;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.values.TimestampedValue;
import org.joda.time.Instant;

/**
 * An unbounded source that plays back a script of timestamped words, a few per read so they spread
 * over several batches, with the watermark at the last timestamp read; once played, its watermark
 * is the end of time. Counts the checkpoints finalized.
 */
public final class ScriptedUnboundedSource
    extends UnboundedSource<String, ScriptedUnboundedSource.CountingMark> {
  public static final AtomicInteger FINALIZED = new AtomicInteger();
  private final String[] words;
  private final long[] timestamps;
  private final int perRead;

  public ScriptedUnboundedSource(List<TimestampedValue<String>> script, int perRead) {
    this.words = script.stream().map(TimestampedValue::getValue).toArray(String[]::new);
    this.timestamps = script.stream().mapToLong(v -> v.getTimestamp().getMillis()).toArray();
    this.perRead = perRead;
  }

  @Override
  public List<ScriptedUnboundedSource> split(int desiredNumSplits, PipelineOptions options) {
    return List.of(this);
  }

  @Override
  public UnboundedReader<String> createReader(PipelineOptions options, CountingMark checkpoint) {
    return new Reader();
  }

  @Override
  public Coder<CountingMark> getCheckpointMarkCoder() {
    return SerializableCoder.of(CountingMark.class);
  }

  /** A checkpoint that counts its finalization. */
  static final class CountingMark implements CheckpointMark, Serializable {
    @Override
    public void finalizeCheckpoint() {
      FINALIZED.incrementAndGet();
    }
  }

  @Override
  public Coder<String> getOutputCoder() {
    return StringUtf8Coder.of();
  }

  private final class Reader extends UnboundedReader<String> {
    private int position = -1;
    private int readSinceCheckpoint;

    @Override
    public boolean start() {
      return advance();
    }

    @Override
    public boolean advance() {
      if (readSinceCheckpoint >= perRead || position + 1 >= words.length) {
        return false;
      }
      position++;
      readSinceCheckpoint++;
      return true;
    }

    @Override
    public String getCurrent() {
      if (position < 0) {
        throw new NoSuchElementException();
      }
      return words[position];
    }

    @Override
    public Instant getCurrentTimestamp() {
      return new Instant(timestamps[position]);
    }

    @Override
    public Instant getWatermark() {
      if (position + 1 >= words.length) {
        return BoundedWindow.TIMESTAMP_MAX_VALUE;
      }
      return position < 0 ? BoundedWindow.TIMESTAMP_MIN_VALUE : getCurrentTimestamp();
    }

    @Override
    public CountingMark getCheckpointMark() {
      readSinceCheckpoint = 0;
      return new CountingMark();
    }

    @Override
    public UnboundedSource<String, ?> getCurrentSource() {
      return ScriptedUnboundedSource.this;
    }

    @Override
    public void close() throws IOException {}
  }
}
