package dev.microbatch.runner.status;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PrometheusTextTest {
  @Test
  void eachFamilyIsWrittenOnceWithItsSamplesTogetherAndLabelValuesEscaped() {
    PrometheusText text = new PrometheusText();
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("step", "Read \"lines\"\\n");
    labels.put("namespace", "a\nb");
    text.family("lag_seconds", "gauge", "Lag.").sample(Map.of("p", "x"), 1.5);
    text.family("records_total", "counter", "Records.").sample(labels, 12345678901L);
    text.family("lag_seconds", "gauge", "Lag.").sample(Map.of("p", "y"), Double.POSITIVE_INFINITY);
    text.family("empty", "gauge", "Never sampled.");

    assertThat(
        text.toString(),
        equalTo(
            "# HELP lag_seconds Lag.\n"
                + "# TYPE lag_seconds gauge\n"
                + "lag_seconds{p=\"x\"} 1.5\n"
                + "lag_seconds{p=\"y\"} +Inf\n"
                + "# HELP records_total Records.\n"
                + "# TYPE records_total counter\n"
                + "records_total{step=\"Read \\\"lines\\\"\\\\n\",namespace=\"a\\nb\"} 12345678901\n"));
  }

  @Test
  void aFamilyKeepsItsType() {
    PrometheusText text = new PrometheusText();
    text.family("x", "gauge", "X.");
    assertThat(text.takenByOtherType("x", "summary"), equalTo(true));
    assertThat(text.takenByOtherType("x", "gauge"), equalTo(false));
    assertThrows(IllegalStateException.class, () -> text.family("x", "summary", "X."));
  }

  @Test
  void metricNamesKeepOnlyWhatPrometheusAllows() {
    assertThat(PrometheusText.metricName("bytes read/s"), equalTo("bytes_read_s"));
    assertThat(PrometheusText.metricName("9lives"), equalTo("_9lives"));
    assertThat(PrometheusText.metricName("a:b_c1"), equalTo("a:b_c1"));
  }
}
