package io.trailcast.stream;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * {@code trailcast collect}: a small HTTP endpoint that appends what it receives to a Kafka topic
 * and answers at once, so that a site (or nginx mirroring its requests) never waits on analytics.
 * <ul>
 *   <li>{@code POST /events}: one event per line (a log line or a trailcast JSON event), each a message.
 *   <li>any other request: a request nginx mirrored ({@code mirror} or {@code post_action}), written as a
 *       combined log line: client address from {@code X-Real-IP} or {@code X-Forwarded-For}, the original
 *       URI from {@code X-Original-URI} (else the request's own), its referrer and user agent, status
 *       from {@code X-Original-Status} (else 200), the time of arrival.
 *   <li>{@code GET /health}: 200 and the counts.
 * </ul>
 * Sending never blocks a request for long: when the producer's buffer is full for 100 ms the
 * request gets 503 and the events are counted as dropped.
 */
public final class Collector implements AutoCloseable {
  private static final DateTimeFormatter CLF = DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ROOT);
  private static final int MAX_BODY = 1 << 20;

  private final HttpServer server;
  private final KafkaProducer<byte[], byte[]> producer;
  private final ExecutorService threads;
  private final String topic;
  private final AtomicLong accepted = new AtomicLong();
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();

  private Collector(HttpServer server, KafkaProducer<byte[], byte[]> producer, ExecutorService threads,
      String topic) {
    this.server = server;
    this.producer = producer;
    this.threads = threads;
    this.topic = topic;
  }

  /** Listens on {@code port} (0: any free one) and sends to {@code topic} at {@code bootstrap}. */
  public static Collector start(String host, int port, String bootstrap, String topic) throws IOException {
    KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ProducerConfig.MAX_BLOCK_MS_CONFIG, 100,
        ProducerConfig.LINGER_MS_CONFIG, 5,
        ProducerConfig.ACKS_CONFIG, "1"), new ByteArraySerializer(), new ByteArraySerializer());
    awaitTopic(producer, topic);
    HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 512);
    ExecutorService threads = Executors.newFixedThreadPool(4);
    Collector collector = new Collector(server, producer, threads, topic);
    server.createContext("/", collector::handle);
    server.setExecutor(threads);
    server.start();
    return collector;
  }

  /**
   * Fetches the topic's metadata before the first request (the broker creates the topic then, if
   * it creates topics on use): else the first events would wait on it longer than a request may.
   */
  private static void awaitTopic(KafkaProducer<byte[], byte[]> producer, String topic) {
    long deadline = System.currentTimeMillis() + 30_000;
    while (true) {
      try {
        producer.partitionsFor(topic);
        return;
      } catch (org.apache.kafka.common.KafkaException e) {
        if (System.currentTimeMillis() > deadline) {
          producer.close();
          throw new io.trailcast.core.UserException("Kafka topic " + topic + " is not available: " + e.getMessage()
              + " (bin/trailcast kafka start, or create the topic)", e);
        }
      }
    }
  }

  public int port() {
    return server.getAddress().getPort();
  }

  /** Events sent, dropped (buffer full) and failed (the broker refused them after sending). */
  public long[] counts() {
    return new long[] {accepted.get(), dropped.get(), failed.get()};
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      if (path.equals("/health")) {
        respond(exchange, 200, String.format(Locale.ROOT, "ok: %d sent, %d dropped, %d failed%n", accepted.get(),
            dropped.get(), failed.get()));
        return;
      }
      int status;
      if (path.equals("/events") && exchange.getRequestMethod().equals("POST")) {
        byte[] body = read(exchange.getRequestBody());
        if (body == null) {
          respond(exchange, 413, "body larger than " + MAX_BODY + " bytes\n");
          return;
        }
        status = send(null, StreamSource.MessageParser.lines(body).stream().filter(l -> l.length > 0).toList());
      } else {
        String ip = clientAddress(exchange);
        String agent = header(exchange, "User-Agent", "-");
        String line = String.format(Locale.ROOT, "%s - - [%s] \"%s %s HTTP/1.1\" %s 0 \"%s\" \"%s\"", ip,
            ZonedDateTime.now(ZoneOffset.UTC).format(CLF), exchange.getRequestMethod(),
            header(exchange, "X-Original-URI", exchange.getRequestURI().toString()),
            header(exchange, "X-Original-Status", "200"), header(exchange, "Referer", "-"), agent);
        // Keyed by visitor: one visitor's requests stay in order in one partition.
        status = send((ip + " " + agent).getBytes(StandardCharsets.UTF_8),
            java.util.List.of(line.getBytes(StandardCharsets.UTF_8)));
      }
      respond(exchange, status, "");
    }
  }

  private int send(byte[] key, java.util.List<byte[]> lines) {
    for (byte[] line : lines) {
      java.util.concurrent.Future<?> sent;
      try {
        sent = producer.send(new ProducerRecord<>(topic, key, line), (metadata, e) -> {
          if (e != null) {
            failed.incrementAndGet();
          }
        });
      } catch (org.apache.kafka.common.KafkaException e) {
        dropped.incrementAndGet();
        return 503;
      }
      // A full buffer (or no metadata) fails the send after max.block.ms, through its future and
      // callback: that event was not taken, and the site is told so.
      if (sent.isDone() && failedAlready(sent)) {
        failed.decrementAndGet();
        dropped.incrementAndGet();
        return 503;
      }
      accepted.incrementAndGet();
    }
    return 204;
  }

  private static boolean failedAlready(java.util.concurrent.Future<?> sent) {
    try {
      sent.get();
      return false;
    } catch (java.util.concurrent.ExecutionException e) {
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return true;
    }
  }

  private static String clientAddress(HttpExchange exchange) {
    String real = exchange.getRequestHeaders().getFirst("X-Real-IP");
    if (real != null && !real.isBlank()) {
      return real.strip();
    }
    String forwarded = exchange.getRequestHeaders().getFirst("X-Forwarded-For");
    if (forwarded != null && !forwarded.isBlank()) {
      return forwarded.split(",")[0].strip();
    }
    return exchange.getRemoteAddress().getAddress().getHostAddress();
  }

  /** A header's value with quotes and line ends taken out (it goes inside a quoted log field), or a default. */
  private static String header(HttpExchange exchange, String name, String otherwise) {
    String value = exchange.getRequestHeaders().getFirst(name);
    return value == null || value.isBlank() ? otherwise : value.replaceAll("[\"\\r\\n]", "");
  }

  private static byte[] read(InputStream in) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buffer = new byte[8192];
    for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
      out.write(buffer, 0, n);
      if (out.size() > MAX_BODY) {
        return null;
      }
    }
    return out.toByteArray();
  }

  private static void respond(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    if (bytes.length > 0) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  @Override
  public void close() {
    server.stop(1);
    threads.shutdown();
    producer.close(java.time.Duration.ofSeconds(10));
  }
}
