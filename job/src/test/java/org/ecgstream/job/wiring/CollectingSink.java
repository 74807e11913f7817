package org.ecgstream.job.wiring;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/**
 * A real Flink sink that keeps what it receives in this JVM, for jobs on a MiniCluster in the same
 * process. The sink object is serialized into the job graph, so it finds its queue by id.
 */
final class CollectingSink<T> implements Sink<T> {
  private static final Map<String, Queue<Object>> RECEIVED = new ConcurrentHashMap<>();
  private final String id = UUID.randomUUID().toString();

  CollectingSink() {
    RECEIVED.put(id, new ConcurrentLinkedQueue<>());
  }

  @Override
  public SinkWriter<T> createWriter(WriterInitContext context) {
    Queue<Object> queue = RECEIVED.get(id);
    return new SinkWriter<>() {
      @Override
      public void write(T element, Context ctx) {
        queue.add(element);
      }

      @Override
      public void flush(boolean endOfInput) {}

      @Override
      public void close() {}
    };
  }

  @SuppressWarnings("unchecked")
  List<T> received() {
    List<T> out = new ArrayList<>();
    RECEIVED.get(id).forEach(o -> out.add((T) o));
    return out;
  }
}
