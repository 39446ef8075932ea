package io.streamrec.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The few calls of Flink's REST API that operating a job needs: cluster overview, job state,
 * stop-with-savepoint, cancel, failures and operator metrics. Plain JSON over HTTP, as {@code curl} would
 * send it, so what the fault scenarios do is what an operator can do by hand.
 */
public final class FlinkRest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final String base;

    public FlinkRest(String host, int port) {
        this.base = "http://" + host + ":" + port;
    }

    public String address() {
        return base;
    }

    public JsonNode get(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(base + path)).GET());
    }

    public JsonNode post(String path, String body) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    private JsonNode send(HttpRequest.Builder b) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(b.timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() / 100 != 2) {
            throw new IOException(r.request().method() + " " + r.uri() + " answered " + r.statusCode() + ": "
                    + r.body());
        }
        return r.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(r.body());
    }

    /** True if the REST endpoint answers; false while it is down or not yet up. */
    public boolean isUp() {
        try {
            get("/overview");
            return true;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    public int registeredTaskManagers() throws IOException, InterruptedException {
        return get("/overview").path("taskmanagers").asInt();
    }

    public String jobState(String jobId) throws IOException, InterruptedException {
        return get("/jobs/" + jobId).path("state").asText();
    }

    /** The job's failures so far (each one a restart), from its exception history. */
    public long failures(String jobId) throws IOException, InterruptedException {
        return get("/jobs/" + jobId + "/exceptions?maxExceptions=1000").path("exceptionHistory").path("entries")
                .size();
    }

    /** Stops the job with a savepoint in {@code dir} and returns the savepoint's path, waiting up to 120 s. */
    public String stopWithSavepoint(String jobId, String dir) throws IOException, InterruptedException {
        String body = JSON.createObjectNode().put("targetDirectory", dir).put("drain", false).toString();
        String trigger = post("/jobs/" + jobId + "/stop", body).path("request-id").asText();
        long deadline = System.currentTimeMillis() + 120_000;
        while (System.currentTimeMillis() < deadline) {
            JsonNode s = get("/jobs/" + jobId + "/savepoints/" + trigger);
            if ("COMPLETED".equals(s.path("status").path("id").asText())) {
                JsonNode op = s.path("operation");
                if (op.has("failure-cause")) {
                    throw new IOException("stop-with-savepoint of " + jobId + " failed: "
                            + op.path("failure-cause").path("class").asText() + ": "
                            + op.path("failure-cause").path("stack-trace").asText().lines().findFirst().orElse(""));
                }
                return op.path("location").asText();
            }
            Thread.sleep(200);
        }
        throw new IOException("stop-with-savepoint of " + jobId + " did not finish within 120 s");
    }

    public void cancel(String jobId) throws IOException, InterruptedException {
        send(HttpRequest.newBuilder(URI.create(base + "/jobs/" + jobId + "?mode=cancel"))
                .method("PATCH", HttpRequest.BodyPublishers.noBody()));
    }

    /**
     * The values of an operator metric on every subtask of the job's vertices, e.g. {@code modelVersion}: the
     * metric ids of each vertex are listed, and those ending in {@code .name} are read.
     */
    public List<String> operatorMetric(String jobId, String name) throws IOException, InterruptedException {
        List<String> values = new ArrayList<>();
        for (JsonNode v : get("/jobs/" + jobId).path("vertices")) {
            String vertex = "/jobs/" + jobId + "/vertices/" + v.path("id").asText() + "/metrics";
            List<String> ids = new ArrayList<>();
            for (JsonNode m : get(vertex)) {
                String id = m.path("id").asText();
                if (id.endsWith("." + name)) {
                    ids.add(id);
                }
            }
            if (!ids.isEmpty()) {
                for (JsonNode m : get(vertex + "?get=" + String.join(",", ids))) {
                    values.add(m.path("value").asText());
                }
            }
        }
        return values;
    }
}
