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
}
