package dev.microbatch.runner.status;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A page in Prometheus' text exposition format (version 0.0.4): each family written once, with its
 * HELP and TYPE lines and all its samples together, as scrapers require.
 */
final class PrometheusText {
  static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  /** A metric family: a name, a type ("counter", "gauge", "summary") and its samples. */
  static final class Family {
    private final String name;
    private final String type;
    private final String help;
    private final List<String> samples = new ArrayList<>();

    private Family(String name, String type, String help) {
      this.name = name;
      this.type = type;
      this.help = help;
    }

    Family sample(Map<String, String> labels, double value) {
      return sample("", labels, value);
    }

    /** A sample named after the family plus {@code suffix} ("_sum" and "_count" of a summary). */
    Family sample(String suffix, Map<String, String> labels, double value) {
      StringBuilder line = new StringBuilder(name).append(suffix);
      if (!labels.isEmpty()) {
        line.append('{');
        String separator = "";
        for (Map.Entry<String, String> label : labels.entrySet()) {
          line.append(separator).append(label.getKey()).append("=\"");
          line.append(escape(label.getValue())).append('"');
          separator = ",";
        }
        line.append('}');
      }
      samples.add(line.append(' ').append(format(value)).toString());
      return this;
    }
  }

  private final Map<String, Family> families = new LinkedHashMap<>();

  /**
   * The family of that name, new or the one already begun.
   *
   * @throws IllegalStateException if it was begun with another type
   */
  Family family(String name, String type, String help) {
    Family family = families.computeIfAbsent(name, n -> new Family(n, type, help));
    if (!family.type.equals(type)) {
      throw new IllegalStateException(
          "Metric family " + name + " is a " + family.type + ", not a " + type);
    }
    return family;
  }

  /** Whether a family of that name exists with another type. */
  boolean takenByOtherType(String name, String type) {
    Family family = families.get(name);
    return family != null && !family.type.equals(type);
  }

  /**
   * {@code raw} as a metric name: characters outside [a-zA-Z0-9_:] become '_', and a leading digit
   * gets a '_' before it.
   */
  static String metricName(String raw) {
    String name = raw.replaceAll("[^a-zA-Z0-9_:]", "_");
    return !name.isEmpty() && Character.isDigit(name.charAt(0)) ? "_" + name : name;
  }

  @Override
  public String toString() {
    StringBuilder text = new StringBuilder();
    for (Family family : families.values()) {
      if (family.samples.isEmpty()) {
        continue;
      }
      text.append("# HELP ").append(family.name).append(' ');
      text.append(family.help.replace("\\", "\\\\").replace("\n", "\\n")).append('\n');
      text.append("# TYPE ").append(family.name).append(' ').append(family.type).append('\n');
      family.samples.forEach(sample -> text.append(sample).append('\n'));
    }
    return text.toString();
  }

  private static String escape(String labelValue) {
    return labelValue.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }

  /** Whole numbers without a fraction, so that counts of any size are exact. */
  private static String format(double value) {
    if (Double.isNaN(value)) {
      return "NaN";
    }
    if (Double.isInfinite(value)) {
      return value > 0 ? "+Inf" : "-Inf";
    }
    if (value == Math.rint(value) && Math.abs(value) < 1e15) {
      return Long.toString((long) value);
    }
    return Double.toString(value);
  }
}
