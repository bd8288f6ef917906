package dev.microbatch.engine.checkpoint;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointStoreTest {
  private static final String PIPELINE = "word count v1";

  @TempDir Path dir;

  private static Checkpoint checkpoint(long batchTime, String state) {
    return new Checkpoint(
        batchTime,
        PIPELINE,
        Map.of("source", ("offset " + batchTime).getBytes(UTF_8), "counts", state.getBytes(UTF_8)));
  }

  private static String part(Checkpoint checkpoint, String name) {
    return new String(checkpoint.parts().get(name), UTF_8);
  }

  private List<String> files() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void anEmptyDirectoryIsAFirstStartAndTheNewestCheckpointIsReadBack() throws Exception {
    CheckpointStore store = new CheckpointStore(dir, 2);
    assertThat(store.latest(PIPELINE), equalTo(Optional.empty()));

    store.write(checkpoint(1000, "a=1"));
    store.write(checkpoint(2000, "a=2"));
    store.write(checkpoint(3000, "a=3"));

    Checkpoint latest = new CheckpointStore(dir, 2).latest(PIPELINE).orElseThrow();
    assertThat(latest.batchTime(), equalTo(3000L));
    assertThat(part(latest, "counts"), equalTo("a=3"));
    assertThat(part(latest, "source"), equalTo("offset 3000"));
    // the newest two are kept, and no temporary file is left behind
    assertThat(files(), equalTo(List.of("checkpoint-2000", "checkpoint-3000")));
  }

  @Test
  void whatAWriteKilledHalfwayLeftIsDeletedWhenTheStoreOpensAgain() throws Exception {
    new CheckpointStore(dir, 2).write(checkpoint(1000, "a=1"));
    // a process killed while writing the checkpoint of 2000 leaves its temporary file
    Files.write(dir.resolve(".writing-checkpoint-2000"), new byte[] {1, 2, 3});

    CheckpointStore reopened = new CheckpointStore(dir, 2);

    assertThat(files(), equalTo(List.of("checkpoint-1000")));
    assertThat(reopened.latest(PIPELINE).orElseThrow().batchTime(), equalTo(1000L));
  }

  @Test
  void aCorruptLatestCheckpointIsRefusedNamingItsFile() throws Exception {
    CheckpointStore store = new CheckpointStore(dir, 2);
    store.write(checkpoint(1000, "a=1"));
    store.write(checkpoint(2000, "a=2"));
    Path latest = dir.resolve("checkpoint-2000");
    byte[] bytes = Files.readAllBytes(latest);
    bytes[bytes.length / 2] ^= 0x01;
    Files.write(latest, bytes);

    CheckpointException e = assertThrows(CheckpointException.class, () -> store.latest(PIPELINE));
    assertThat(
        e.getMessage(),
        equalTo("Checkpoint " + latest + ": is corrupt or truncated (its CRC-32 does not match)"));
  }

  @Test
  void aTruncatedCheckpointIsRefused() throws Exception {
    CheckpointStore store = new CheckpointStore(dir, 2);
    store.write(checkpoint(1000, "a=1"));
    Path file = dir.resolve("checkpoint-1000");
    byte[] bytes = Files.readAllBytes(file);
    for (int length : new int[] {bytes.length - 3, 10, 0}) {
      Files.write(file, java.util.Arrays.copyOf(bytes, length));
      CheckpointException e = assertThrows(CheckpointException.class, () -> store.latest(PIPELINE));
      assertThat(e.getMessage(), containsString(file.toString()));
      assertThat(e.getMessage(), containsString("truncated"));
    }
  }

  @Test
  void aForeignFileOrAnotherFormatVersionIsRefused() throws Exception {
    CheckpointStore store = new CheckpointStore(dir, 2);
    Path foreign = dir.resolve("checkpoint-5000");
    Files.write(foreign, "{\"offsets\": [1, 2, 3]} and more than sixteen bytes".getBytes(UTF_8));
    assertThat(
        assertThrows(CheckpointException.class, () -> store.latest(PIPELINE)).getMessage(),
        equalTo(
            "Checkpoint "
                + foreign
                + ": is not a MicroBatch checkpoint (its first bytes are not the magic number)"));

    byte[] bytes = CheckpointStore.encode(checkpoint(6000, "a=1"));
    ByteBuffer.wrap(bytes).putInt(4, CheckpointStore.VERSION + 1);
    Path future = dir.resolve("checkpoint-6000");
    Files.write(future, bytes);
    assertThat(
        assertThrows(CheckpointException.class, () -> store.latest(PIPELINE)).getMessage(),
        equalTo(
            "Checkpoint "
                + future
                + ": has format version "
                + (CheckpointStore.VERSION + 1)
                + ", but this runner reads version "
                + CheckpointStore.VERSION));
  }

  @Test
  void aCheckpointOfAnotherPipelineIsRefused() {
    CheckpointStore store = new CheckpointStore(dir, 2);
    store.write(checkpoint(1000, "a=1"));
    CheckpointException e =
        assertThrows(CheckpointException.class, () -> store.latest("another job"));
    assertThat(
        e.getMessage(),
        containsString(
            "checkpoint-1000: was written by another pipeline (word count v1), not this one (another job)"));
  }

  @Test
  void aDirectoryThatCannotBeCreatedIsRefusedAtOnce() throws Exception {
    // (tests may run as root, who may write anywhere; nobody can make a directory below a file)
    Path file = Files.writeString(dir.resolve("a-file"), "not a directory");
    Path below = file.resolve("checkpoints");
    CheckpointException e =
        assertThrows(CheckpointException.class, () -> new CheckpointStore(below, 2));
    assertThat(
        e.getMessage(),
        containsString("Checkpoint " + below + ": the directory cannot be created or written"));
  }
}
