package org.ecgstream.deploy.local;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

/** Reads the Prometheus text format that the cluster's processes serve on /metrics. */
final class PrometheusScrape {
  private PrometheusScrape() {}

  /** Everything served on /metrics by the ports that answer (several processes), one after another. */
  static String of(List<Integer> ports) {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    StringBuilder all = new StringBuilder();
    for (int port : ports) {
      try {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/metrics"))
            .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          all.append(r.body()).append('\n');
        }
      } catch (java.io.IOException e) {
        // Nothing listens on this port of the range.
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while scraping", e);
      }
    }
    return all.toString();
  }

  /** The sum of every sample of {@code metric} (all label sets). */
  static long sum(String scraped, String metric) {
    return Math.round(scraped.lines().filter(l -> l.startsWith(metric + "{") || l.startsWith(metric + " "))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum());
  }

  /**
   * The metric names a Grafana dashboard's queries use (every {@code flink_...} token of every
   * {@code expr}) that {@code scraped} does not export, with the quantiles it asks for.
   */
  static java.util.Set<String> missingFromDashboard(java.nio.file.Path dashboard, String scraped)
      throws java.io.IOException {
    var json = new org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.ObjectMapper()
        .readTree(dashboard.toFile());
    java.util.Set<String> exported = new java.util.HashSet<>();
    scraped.lines().filter(l -> !l.startsWith("#") && !l.isBlank()).forEach(l -> {
      int end = l.indexOf('{') >= 0 ? l.indexOf('{') : l.indexOf(' ');
      exported.add(l.substring(0, end));
      var q = java.util.regex.Pattern.compile("quantile=\"([^\"]+)\"").matcher(l);
      if (q.find()) {
        exported.add(l.substring(0, end) + "{quantile=\"" + q.group(1) + "\"}");
      }
    });
    java.util.Set<String> missing = new java.util.TreeSet<>();
    var name = java.util.regex.Pattern.compile("(flink_[A-Za-z0-9_]+)(\\{quantile=\"[^\"]+\"\\})?");
    for (var panel : json.path("panels")) {
      for (var target : panel.path("targets")) {
        var m = name.matcher(target.path("expr").asText());
        while (m.find()) {
          if (!exported.contains(m.group(1))) {
            missing.add(m.group(1));
          } else if (m.group(2) != null && !exported.contains(m.group(1) + m.group(2))) {
            missing.add(m.group(1) + m.group(2));
          }
        }
      }
    }
    return missing;
  }
}
