package dev.microbatch.runner.status;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.lessThanOrEqualTo;
import static org.hamcrest.Matchers.not;

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
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.io.GenerateSequence;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.windowing.FixedWindows;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The status page in headless Chromium (Debian's chromium and chromium-driver, which .ci/run
 * installs), in a window 1280 px wide: a streaming job's page shows its completed batches, a batch
 * job's its stages, with the numbers of the JSON API. Leaves screenshots in target/
 * (status-page.png, status-page-batch.png).
 */
class StatusPageBrowserTest {
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(ZoneOffset.UTC);

  @TempDir Path profile;

  /** Headless Chromium with a 1280 px wide window, as a laptop shows the page. */
  private ChromeDriver chromium() {
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
    return new ChromeDriver(
        new ChromeDriverService.Builder()
            .usingDriverExecutable(new File("/usr/bin/chromedriver"))
            .build(),
        options);
  }

  private static JsonNode json(URI url, String path) throws Exception {
    return new ObjectMapper()
        .readTree(
            HttpClient.newHttpClient()
                .send(
                    HttpRequest.newBuilder(url.resolve(path)).build(),
                    HttpResponse.BodyHandlers.ofString())
                .body());
  }

  private static void screenshot(ChromeDriver browser, String file) throws Exception {
    Files.createDirectories(Path.of("target"));
    Files.copy(
        browser.getScreenshotAs(OutputType.FILE).toPath(),
        Path.of("target", file),
        StandardCopyOption.REPLACE_EXISTING);
  }

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
      browser = chromium();
      browser.get(url.toString());
      new WebDriverWait(browser, Duration.ofSeconds(30))
          .until(page -> page.findElements(By.cssSelector("#completed tbody tr")).size() >= 3);

      List<List<String>> rows = cells(browser, "#completed");
      JsonNode api = json(url, "api/batches");
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

      screenshot(browser, "status-page.png");
    } finally {
      if (browser != null) {
        browser.quit();
      }
      job.cancel();
    }
  }

  @Test
  void aBatchJobsPageShowsItsStagesRecordsAndSpillsWithinA1280PxWindowAndNoStreamingCharts()
      throws Exception {
    HeldSpillingBatchJob job = HeldSpillingBatchJob.start();
    ChromeDriver browser = null;
    try {
      URI url = job.result().statusUrl().orElseThrow();
      browser = chromium();
      browser.get(url.toString());
      // the reading stage is done once its records are on the page: the job then holds still
      String numbers = String.valueOf(HeldSpillingBatchJob.NUMBERS);
      new WebDriverWait(browser, Duration.ofSeconds(60))
          .until(
              page -> {
                List<List<String>> rows = cells(page, "#stages");
                return rows.size() == 2 && rows.get(0).get(5).equals(numbers);
              });
      List<List<String>> rows = cells(browser, "#stages");
      JsonNode reading = json(url, "api/jobs").get("jobs").get(0).get("stages").get(0);
      List<String> read = rows.get(0);
      assertThat(read.get(2), containsString("ByLastDigits"));
      assertThat(read.get(4), equalTo("2 / 2"));
      assertThat(read.get(5), equalTo(reading.get("recordsRead").asText()));
      assertThat(read.get(6), equalTo(numbers));
      assertThat(reading.get("spilledBytes").asLong(), greaterThan(0L));
      assertThat(read.get(7), not(equalTo("0 B")));
      assertThat(rows.get(1).get(2), containsString("Hold"));

      assertThat(
          "no streaming chart on a batch job's page",
          browser.findElement(By.id("inputRate")).isDisplayed(),
          equalTo(false));
      assertThat(browser.findElement(By.tagName("h1")).getText(), equalTo("Batch job"));
      Number overflow =
          (Number)
              browser.executeScript(
                  "return document.documentElement.scrollWidth - window.innerWidth;");
      assertThat(
          "nothing wider than the 1280 px window", overflow.longValue(), lessThanOrEqualTo(0L));
      for (WebElement bar : browser.findElements(By.cssSelector("#stages progress"))) {
        assertThat(bar.getRect().getX() + bar.getRect().getWidth(), lessThanOrEqualTo(1280));
      }
      screenshot(browser, "status-page-batch.png");
    } finally {
      job.release();
      if (browser != null) {
        browser.quit();
      }
    }
    assertThat(job.finish(), equalTo(PipelineResult.State.DONE));
  }

  /** The text of every cell of the table's body, row by row, read in one go (it redraws). */
  @SuppressWarnings("unchecked")
  private static List<List<String>> cells(WebDriver page, String table) {
    return (List<List<String>>)
        ((JavascriptExecutor) page)
            .executeScript(
                "return Array.from(document.querySelectorAll('"
                    + table
                    + " tbody tr')).map(row => Array.from(row.cells).map(cell => cell.textContent));");
  }
}
