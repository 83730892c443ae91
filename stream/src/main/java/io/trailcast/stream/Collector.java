package io.trailcast.stream;

import com.sun.net.httpserver.HttpExchange;
import io.trailcast.core.UserException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * {@code trailcast collect}: a small HTTP endpoint that appends what it receives to a Kafka topic.
 * <ul>
 *   <li>{@code POST /events}: one event per line (a log line or a trailcast JSON event), each a message;
 *       another method: 405.
 *   <li>{@code /mirror} and {@code /mirror/...}, any method: a request nginx mirrored ({@code mirror} or
 *       {@code post_action}), written as a combined log line: client address from {@code X-Real-IP} or
 *       {@code X-Forwarded-For}, the original URI from {@code X-Original-URI} (else the request's own
 *       without {@code /mirror}), its referrer and user agent, status from {@code X-Original-Status}
 *       (else 200), the time of arrival. Keyed by visitor: one visitor's requests stay in order.
 *   <li>{@code GET /health}: 200 and the counts.
 *   <li>anything else: 400 naming the endpoints.
 * </ul>
 * A request is answered 204 only once Kafka has acknowledged every one of its events (acks=all, an
 * idempotent producer) within the ack timeout; else 503 with a one-line reason, and the client should
 * send it again. Some of a refused request's events may have been written all the same (or be written
 * later, as the producer retries): sent again, they are copies of one event id (the hash of the line),
 * which the stream's dedup keeps once. Requests run on a {@link BoundedHttpServer} (503 when every worker
 * and the queue are taken, or once the collector is stopping; slow clients cut off after the request
 * timeout).
 */
public final class Collector implements AutoCloseable {
  private static final DateTimeFormatter CLF = DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ROOT);
  private static final int MAX_BODY = 1 << 20;
  private static final String MIRROR = "/mirror";
  private static final String ENDPOINTS = "POST /events (one event per line), /mirror[/...] (a request nginx "
      + "mirrored, any method), GET /health";
  private static final String TEXT = "text/plain; charset=utf-8";

  /**
   * What a collector listens with, where it sends, and how long a request may wait for Kafka's
   * acknowledgement; it must be shorter than the request timeout, which also bounds the answer.
   */
  public record Options(BoundedHttpServer.Options http, String kafka, String topic, Duration ackTimeout) {
    public Options {
      if (ackTimeout.toMillis() < 1) {
        throw new IllegalArgumentException("the ack timeout must be at least 1 ms");
      }
      if (ackTimeout.compareTo(http.requestTimeout()) >= 0) {
        throw new IllegalArgumentException("the ack timeout (" + ackTimeout.toMillis() + " ms) must be shorter than "
            + "the request timeout (" + http.requestTimeout().toSeconds() + " s), which bounds the answer too");
      }
    }

    // The defaults, declared once: `collect`'s flags show them, the demo and the tests use them.
    public static final String DEFAULT_THREADS = "32";
    public static final String DEFAULT_QUEUE = "256";
    public static final String DEFAULT_REQUEST_TIMEOUT = "10s";
    public static final String DEFAULT_ACK_TIMEOUT = "5s";

    /** The defaults: 32 workers, 256 waiting requests, a 10 s request timeout, a 5 s ack timeout. */
    public static Options of(String bind, int port, String kafka, String topic) {
      return new Options(new BoundedHttpServer.Options(bind, port, Integer.parseInt(DEFAULT_THREADS),
          Integer.parseInt(DEFAULT_QUEUE), io.trailcast.core.Durations.parse(DEFAULT_REQUEST_TIMEOUT,
          "--request-timeout")), kafka, topic, io.trailcast.core.Durations.parse(DEFAULT_ACK_TIMEOUT, "--ack-timeout"));
    }
  }

  /**
   * Events Kafka acknowledged (their requests answered 204), requests refused (503: Kafka did not
   * acknowledge in time, every worker was busy, or the collector was stopping) and requests not
   * understood (400, 405, 413).
   */
  public record Counts(long sent, long refused, long notUnderstood) {
    public String line() {
      return String.format(Locale.ROOT, "%,d events sent, %,d requests refused (503), %,d not understood", sent,
          refused, notUnderstood);
    }
  }

  private record Answer(int status, String reason) {
    static final Answer DONE = new Answer(204, "");
  }

  private final Options options;
  private final BoundedHttpServer http;
  private final KafkaProducer<byte[], byte[]> producer;
  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong refused = new AtomicLong();
  private final AtomicLong notUnderstood = new AtomicLong();

  private Collector(Options options, BoundedHttpServer http, KafkaProducer<byte[], byte[]> producer) {
    this.options = options;
    this.http = http;
    this.producer = producer;
  }

  /** Connects to Kafka, waits for the topic, then listens until {@link #close()}. */
  public static Collector start(Options options) throws IOException {
    KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, options.kafka(),
        ProducerConfig.ACKS_CONFIG, "all",
        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
        // send() waits this long at most for metadata or buffer space: a request then gets 503.
        ProducerConfig.MAX_BLOCK_MS_CONFIG, options.ackTimeout().toMillis(),
        ProducerConfig.LINGER_MS_CONFIG, 5), new ByteArraySerializer(), new ByteArraySerializer());
    BoundedHttpServer http;
    try {
      awaitTopic(producer, options.topic());
      http = BoundedHttpServer.bind("collect", options.http());
    } catch (IOException | RuntimeException e) {
      producer.close(Duration.ZERO);
      throw e;
    }
    Collector collector = new Collector(options, http, producer);
    http.start(collector::handle);
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
      } catch (KafkaException e) {
        if (System.currentTimeMillis() > deadline) {
          throw new UserException("Kafka topic " + topic + " is not available: " + e.getMessage()
              + " (bin/trailcast kafka start, or create the topic)", e);
        }
      }
    }
  }

  public int port() {
    return http.port();
  }

  public Counts counts() {
    return new Counts(sent.get(), refused.get(), notUnderstood.get());
  }

  private void handle(HttpExchange exchange) {
    String refusal = http.refusal();
    Answer answer;
    try {
      answer = refusal != null ? new Answer(503, refusal) : answer(exchange);
    } catch (IOException e) {
      // The client went away (or took too long) while sending: nobody is left to answer.
      exchange.close();
      return;
    }
    if (answer.status() == 503) {
      refused.incrementAndGet();
    } else if (answer.status() >= 400) {
      notUnderstood.incrementAndGet();
    }
    BoundedHttpServer.answer(exchange, answer.status(), TEXT,
        (answer.reason().isEmpty() ? "" : answer.reason() + "\n").getBytes(StandardCharsets.UTF_8));
  }

  private Answer answer(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getRawPath();
    String method = exchange.getRequestMethod();
    if (path.equals("/events")) {
      if (!method.equals("POST")) {
        exchange.getResponseHeaders().set("Allow", "POST");
        return new Answer(405, "method " + shorten(method) + " not allowed on /events: only POST");
      }
      byte[] body = read(exchange.getRequestBody());
      if (body == null) {
        return new Answer(413, "body larger than " + MAX_BODY + " bytes");
      }
      return send(null, StreamSource.MessageParser.lines(body).stream().filter(l -> l.length > 0).toList());
    }
    if (path.equals(MIRROR) || path.startsWith(MIRROR + "/")) {
      String ip = clientAddress(exchange);
      String agent = header(exchange, "User-Agent", "-");
      String own = exchange.getRequestURI().getRawPath().substring(MIRROR.length());
      String query = exchange.getRequestURI().getRawQuery();
      own = (own.isEmpty() ? "/" : own) + (query == null ? "" : "?" + query);
      String line = String.format(Locale.ROOT, "%s - - [%s] \"%s %s HTTP/1.1\" %s 0 \"%s\" \"%s\"", ip,
          ZonedDateTime.now(ZoneOffset.UTC).format(CLF), method, header(exchange, "X-Original-URI", own),
          header(exchange, "X-Original-Status", "200"), header(exchange, "Referer", "-"), agent);
      // Keyed by visitor: one visitor's requests stay in order in one partition.
      return send((ip + " " + agent).getBytes(StandardCharsets.UTF_8), List.of(line.getBytes(StandardCharsets.UTF_8)));
    }
    if (path.equals("/health")) {
      if (!method.equals("GET") && !method.equals("HEAD")) {
        exchange.getResponseHeaders().set("Allow", "GET");
        return new Answer(405, "method " + shorten(method) + " not allowed on /health: only GET");
      }
      return new Answer(200, "ok: " + counts().line());
    }
    return new Answer(400, "no such endpoint: " + shorten(method) + " " + shorten(path) + " (" + ENDPOINTS + ")");
  }

  /** Sends every line and waits for all of Kafka's acknowledgements, within the ack timeout in all. */
  private Answer send(byte[] key, List<byte[]> lines) {
    long deadline = System.nanoTime() + options.ackTimeout().toNanos();
    List<Future<RecordMetadata>> pending = new ArrayList<>(lines.size());
    try {
      for (byte[] line : lines) {
        Future<RecordMetadata> future = producer.send(new ProducerRecord<>(options.topic(), key, line));
        // A send that could not even start (no metadata, a full buffer) fails at once: stop there.
        if (future.isDone()) {
          future.get();
        }
        pending.add(future);
        if (System.nanoTime() > deadline) {
          throw new TimeoutException();
        }
      }
      for (Future<RecordMetadata> future : pending) {
        future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      }
    } catch (TimeoutException e) {
      return refuse("Kafka did not acknowledge the events within " + options.ackTimeout().toMillis() + " ms");
    } catch (ExecutionException e) {
      return refuse("Kafka did not take the events: " + firstLine(e.getCause()));
    } catch (KafkaException e) {
      return refuse("Kafka did not take the events: " + firstLine(e));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return refuse("the collector is stopping");
    }
    sent.addAndGet(lines.size());
    return Answer.DONE;
  }

  private static Answer refuse(String reason) {
    return new Answer(503, reason + "; send the request again (events already written are deduplicated)");
  }

  private static String firstLine(Throwable e) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return message.lines().findFirst().orElse(e.getClass().getSimpleName());
  }

  private static String shorten(String text) {
    return text.length() <= 100 ? text : text.substring(0, 100) + "...";
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

  /**
   * Drains: stops listening and answers 503 to the requests that come from then on, lets the
   * requests in progress finish (each within the ack timeout, so their events are acknowledged
   * before they are answered 204), then flushes and closes the producer. Events still unacknowledged
   * then belong to requests answered 503 or not answered at all.
   */
  @Override
  public void close() {
    http.stop(options.ackTimeout().plusSeconds(1));
    producer.close(options.ackTimeout());
  }
}
