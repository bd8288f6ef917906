package dev.microbatch.runner.status;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.microbatch.runner.MicroBatchPipelineResult;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.io.GenerateSequence;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.windowing.FixedWindows;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The status page in headless Chromium (Debian's chromium and chromium-driver, which .ci/run
 * installs): a streaming job runs, the page shows its completed batches, and the numbers in the
 * page's table are those of the JSON API. Leaves a screenshot in target/status-page.png.
 */
class StatusPageBrowserTest {
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(ZoneOffset.UTC);

  @TempDir Path profile;

  @Test
  void thePageShowsTheCompletedBatchesWithTheNumbersOfTheJsonApi() throws Exception {
    Pipeline pipeline =
        Pipeline.create(
            PipelineOptionsFactory.fromArgs(
                    "--runner=MicroBatchRunner",
                    "--streaming",
                    "--batchIntervalMillis=200",
                    "--blockOnRun=false",
                    "--statusPort=0")
                .create());
    pipeline
        .apply(
            "Numbers",
            GenerateSequence.from(0).withRate(1000, org.joda.time.Duration.standardSeconds(1)))
        .apply(Window.into(FixedWindows.of(org.joda.time.Duration.standardSeconds(1))))
        .apply(Count.perElement());
    MicroBatchPipelineResult job = (MicroBatchPipelineResult) pipeline.run();
    ChromeDriver browser = null;
    try {
      URI url = job.statusUrl().orElseThrow();
      ChromeOptions options = new ChromeOptions();
      options.setBinary("/usr/bin/chromium");
      options.addArguments(
          "--headless",
          "--no-sandbox",
          "--disable-gpu",
          "--disable-background-networking",
          "--disable-component-update",
          "--disable-sync",
          "--no-first-run",
          "--window-size=1280,2000",
          "--user-data-dir=" + profile);
      browser =
          new ChromeDriver(
              new ChromeDriverService.Builder()
                  .usingDriverExecutable(new File("/usr/bin/chromedriver"))
                  .build(),
              options);
      browser.get(url.toString());
      new WebDriverWait(browser, Duration.ofSeconds(30))
          .until(page -> page.findElements(By.cssSelector("#completed tbody tr")).size() >= 3);

      // the page redraws every second: its table is read in one go
      @SuppressWarnings("unchecked")
      List<List<String>> rows =
          (List<List<String>>)
              browser.executeScript(
                  "return Array.from(document.querySelectorAll('#completed tbody tr'))"
                      + ".map(row => Array.from(row.cells).map(cell => cell.textContent));");
      JsonNode api =
          new ObjectMapper()
              .readTree(
                  HttpClient.newHttpClient()
                      .send(
                          HttpRequest.newBuilder(url.resolve("api/batches")).build(),
                          HttpResponse.BodyHandlers.ofString())
                      .body());
      Map<String, JsonNode> byTime = new HashMap<>();
      for (JsonNode batch : api.get("completed")) {
        byTime.put(TIME.format(Instant.ofEpochMilli(batch.get("batchTime").asLong())), batch);
      }
      int compared = 0;
      for (List<String> cells : rows) {
        JsonNode batch = byTime.get(cells.get(0));
        if (batch == null) {
          continue;
        }
        assertThat(cells.get(1), equalTo(batch.get("records").asText()));
        assertThat(cells.get(3), equalTo(batch.get("schedulingDelay").asText() + " ms"));
        assertThat(cells.get(4), equalTo(batch.get("processingTime").asText() + " ms"));
        assertThat(cells.get(5), equalTo(batch.get("totalDelay").asText() + " ms"));
        compared++;
      }
      assertThat("batches on the page and in the JSON", compared, greaterThanOrEqualTo(3));
      assertThat(
          browser.findElement(By.id("completedBatches")).getText().isEmpty(), equalTo(false));

      Files.createDirectories(Path.of("target"));
      Files.copy(
          ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath(),
          Path.of("target", "status-page.png"),
          StandardCopyOption.REPLACE_EXISTING);
    } finally {
      if (browser != null) {
        browser.quit();
      }
      job.cancel();
    }
  }
}
