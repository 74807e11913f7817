package org.ecgstream.deploy.local;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.UUID;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.JsonNode;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.ObjectMapper;

/** The few things the tests ask of a Flink cluster's REST API. */
final class FlinkRest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String base;

  FlinkRest(String base) {
    this.base = base;
  }

  /** True when the job is RUNNING and so is every one of its tasks. */
  boolean allTasksRunning(String jobId) {
    JsonNode job = get("/jobs/" + jobId);
    if (!"RUNNING".equals(job.path("state").asText())) {
      return false;
    }
    for (JsonNode v : job.path("vertices")) {
      if (!"RUNNING".equals(v.path("status").asText())) {
        return false;
      }
    }
    return true;
  }

  String state(String jobId) {
    return get("/jobs/" + jobId).path("state").asText();
  }

  /** The checkpoint the job's tasks were last restored from, if any. */
  OptionalLong restoredCheckpoint(String jobId) {
    JsonNode restored = get("/jobs/" + jobId + "/checkpoints").path("latest").path("restored");
    return restored.isObject() ? OptionalLong.of(restored.path("id").asLong()) : OptionalLong.empty();
  }

  /** Failures the job has recorded (its exception history), restarts included. */
  int exceptionCount(String jobId) {
    return get("/jobs/" + jobId + "/exceptions").path("exceptionHistory").path("entries").size();
  }

  long completedCheckpoints(String jobId) {
    return get("/jobs/" + jobId + "/checkpoints").path("counts").path("completed").asLong();
  }

  int registeredTaskManagers() {
    return get("/taskmanagers").path("taskmanagers").size();
  }

  /** Uploads a job jar (multipart, as the web UI does) and returns its id on the cluster. */
  String uploadJar(Path jar) throws IOException {
    String boundary = "ecg-" + UUID.randomUUID();
    String head = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"jarfile\"; filename=\""
        + jar.getFileName() + "\"\r\nContent-Type: application/x-java-archive\r\n\r\n";
    HttpRequest.BodyPublisher body = HttpRequest.BodyPublishers.concat(HttpRequest.BodyPublishers.ofString(head),
        HttpRequest.BodyPublishers.ofFile(jar), HttpRequest.BodyPublishers.ofString("\r\n--" + boundary + "--\r\n"));
    JsonNode r = send(HttpRequest.newBuilder(URI.create(base + "/jars/upload"))
        .header("Content-Type", "multipart/form-data; boundary=" + boundary).POST(body).timeout(Duration.ofMinutes(3)));
    String file = r.path("filename").asText();
    return file.substring(file.lastIndexOf('/') + 1);
  }

  /** Runs an uploaded jar with these program arguments; returns the job id. */
  String runJar(String jarId, List<String> args, int parallelism, String savepointOrNull) {
    var request = JSON.createObjectNode();
    args.forEach(request.putArray("programArgsList")::add);
    request.put("parallelism", parallelism);
    if (savepointOrNull != null) {
      request.put("savepointPath", savepointOrNull);
    }
    return post("/jars/" + jarId + "/run", request.toString()).path("jobid").asText();
  }

  /** Stops a job with a savepoint in the cluster's default savepoint folder; returns its path. */
  String stopWithSavepoint(String jobId) {
    String trigger = post("/jobs/" + jobId + "/stop", "{\"drain\":false}").path("request-id").asText();
    long end = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    while (System.nanoTime() < end) {
      JsonNode status = get("/jobs/" + jobId + "/savepoints/" + trigger);
      if ("COMPLETED".equals(status.path("status").path("id").asText())) {
        JsonNode op = status.path("operation");
        if (!op.has("location")) {
          throw new IllegalStateException("savepoint of " + jobId + " failed: " + op);
        }
        return op.path("location").asText();
      }
      try {
        Thread.sleep(250);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      }
    }
    throw new IllegalStateException("savepoint of " + jobId + " not complete after 2 minutes");
  }

  private JsonNode post(String path, String json) {
    return send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json)).timeout(Duration.ofMinutes(2)));
  }

  private JsonNode get(String path) {
    return send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10)));
  }

  private JsonNode send(HttpRequest.Builder request) {
    HttpRequest r = request.build();
    try {
      HttpResponse<String> response = http.send(r, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() / 100 != 2) {
        throw new IllegalStateException(r.method() + " " + r.uri().getPath() + " answered " + response.statusCode()
            + ": " + response.body());
      }
      return JSON.readTree(response.body());
    } catch (IOException e) {
      throw new IllegalStateException(r.method() + " " + r.uri().getPath() + " failed: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
