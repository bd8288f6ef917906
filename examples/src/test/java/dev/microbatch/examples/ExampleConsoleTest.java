package dev.microbatch.examples;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The console of SocketWordCount in a JVM of its own, as a user sees it: its counts and the status
 * page's address, a warning when the input is bad, and no per-batch line unless asked for; the same
 * under {@code ./mvnw -q ... exec:java}, whose logger hides everything below ERROR unless a
 * logger's own level says otherwise (here: the same SLF4J simple logger with its default level at
 * ERROR).
 */
class ExampleConsoleTest {
  private static final Pattern PER_BATCH_LINE =
      Pattern.compile("Batch \\d+: \\d+ records.*scheduling delay");

  @TempDir Path work;

  @Test
  void byDefaultTheConsoleShowsTheCountsAndWarningsAndNoPerBatchLine() throws Exception {
    String console = console();
    assertThat(console, containsString("be: 2"));
    assertThat(console, containsString("The job's status page: http://localhost:"));
    assertThat(console, containsString("WARN"));
    assertThat(console, containsString("is not valid UTF-8"));
    assertThat(console, PER_BATCH_LINE.matcher(console).find(), equalTo(false));
  }

  @Test
  void underMavensQuietLoggerTheConsoleIsTheSame() throws Exception {
    String console = console("-Dorg.slf4j.simpleLogger.defaultLogLevel=error");
    assertThat(console, containsString("be: 2"));
    assertThat(console, containsString("The job's status page: http://localhost:"));
    assertThat(console, containsString("is not valid UTF-8"));
    assertThat(console, PER_BATCH_LINE.matcher(console).find(), equalTo(false));
  }

  @Test
  void aLevelGivenOnTheCommandLineShowsThePerBatchLines() throws Exception {
    String console = console("-Dorg.slf4j.simpleLogger.log.dev.microbatch=debug");
    assertThat(console, containsString("be: 2"));
    assertThat(console, PER_BATCH_LINE.matcher(console).find(), equalTo(true));
    assertThat(console, not(containsString("DEBUG org.apache.beam")));
  }

  /**
   * Runs SocketWordCount against a server that sends one good line and one of invalid UTF-8, until
   * the good line's counts are out; returns everything the process printed.
   */
  private String console(String... jvmProperties) throws Exception {
    Path log = work.resolve("console.log");
    try (ServerSocket server = new ServerSocket(0)) {
      List<String> command = new ArrayList<>();
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      command.addAll(List.of(jvmProperties));
      command.addAll(
          List.of(
              "-cp",
              System.getProperty("java.class.path"),
              SocketWordCount.class.getName(),
              "--runner=MicroBatchRunner",
              "--port=" + server.getLocalPort(),
              "--windowSeconds=1"));
      Process job =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      try (Socket client = server.accept()) {
        OutputStream out = client.getOutputStream();
        out.write("to be or not to be\n".getBytes(StandardCharsets.UTF_8));
        out.write(new byte[] {(byte) 0xff, (byte) 0xfe, 'x', '\n'});
        out.flush();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.readString(log).contains("be: 2")) {
          assertThat("the example runs, see " + log, job.isAlive(), equalTo(true));
          assertThat("counts within 60 s", System.nanoTime() < deadline, equalTo(true));
          Thread.sleep(50);
        }
        Thread.sleep(1000); // a few more batches
      } finally {
        job.destroy();
        job.waitFor(30, TimeUnit.SECONDS);
      }
    }
    return Files.readString(log);
  }
}
