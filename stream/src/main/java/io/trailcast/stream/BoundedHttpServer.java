package io.trailcast.stream;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JDK's HTTP server as {@code serve} and {@code collect} run it: requests run on a fixed pool of
 * workers with a bounded queue; when both are full, a request is handed to a single thread of its
 * own, where {@link #refusal()} tells the handler to answer 503 at once instead of letting it wait
 * (as it does for a request that comes once the server is stopping).
 *
 * <p>A client has the request timeout from its first byte to have its request read (the wait for a
 * worker included) and as long again to take its answer (the JDK server's {@code maxReqTime} and
 * {@code maxRspTime}), so slow clients cannot hold the workers: their connections are closed,
 * checked once a second.
 */
public final class BoundedHttpServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(BoundedHttpServer.class);

  /**
   * How a server listens: address and port (0: any free one), worker threads, requests that may
   * wait for one, and the time a client has to send its request and to take its answer (whole seconds).
   */
  public record Options(String bind, int port, int threads, int queue, Duration requestTimeout) {
    public Options {
      if (port < 0 || port > 65_535) {
        throw new IllegalArgumentException("port " + port + " is not between 0 and 65535");
      }
      if (threads < 1 || queue < 0) {
        throw new IllegalArgumentException("threads must be at least 1 and the queue at least 0");
      }
      if (requestTimeout.toSeconds() < 1 || requestTimeout.toMillis() % 1000 != 0) {
        throw new IllegalArgumentException("the request timeout must be whole seconds, at least one, not "
            + requestTimeout.toMillis() + " ms");
      }
    }

    public Options withThreads(int newThreads) {
      return new Options(bind, port, newThreads, queue, requestTimeout);
    }

    public Options withQueue(int newQueue) {
      return new Options(bind, port, threads, newQueue, requestTimeout);
    }

    public Options withRequestTimeout(Duration newTimeout) {
      return new Options(bind, port, threads, queue, newTimeout);
    }
  }

  /** The thread that runs requests when every worker is busy and the queue is full. */
  private static final class Shedding extends Thread {
    Shedding(Runnable task, String name) {
      super(task, name);
      setDaemon(true);
    }
  }

  private final HttpServer server;
  private final ThreadPoolExecutor workers;
  private final ThreadPoolExecutor shedding;
  private volatile boolean stopping;

  private BoundedHttpServer(HttpServer server, ThreadPoolExecutor workers, ThreadPoolExecutor shedding) {
    this.server = server;
    this.workers = workers;
    this.shedding = shedding;
  }

  /**
   * Binds the address of {@code options}; {@link #start} then runs a handler for every request
   * until {@link #stop}. The threads are named {@code name-N} and {@code name-busy}. The JDK server's
   * settings are system properties read once per JVM: they are set here, before the first server.
   */
  public static BoundedHttpServer bind(String name, Options options) throws IOException {
    limitRequestTimes(options.requestTimeout());
    ThreadPoolExecutor shedding = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
        new ArrayBlockingQueue<>(64), task -> new Shedding(task, name + "-busy"), new ThreadPoolExecutor.AbortPolicy());
    AtomicInteger ids = new AtomicInteger();
    BlockingQueue<Runnable> queue = options.queue() == 0 ? new SynchronousQueue<>()
        : new ArrayBlockingQueue<>(options.queue());
    // A rejected request is parsed and answered 503 by the shedding thread; when that one is
    // swamped too, the JDK server closes the connection.
    ThreadPoolExecutor workers = new ThreadPoolExecutor(options.threads(), options.threads(), 0,
        TimeUnit.MILLISECONDS, queue, task -> {
          Thread t = new Thread(task, name + "-" + ids.incrementAndGet());
          t.setDaemon(true);
          return t;
        }, (task, pool) -> {
          if (shedding.isShutdown()) {
            throw new RejectedExecutionException("the server is stopping");
          }
          shedding.execute(task);
        });
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress(options.bind(), options.port()), 1024);
    } catch (IOException e) {
      workers.shutdown();
      shedding.shutdown();
      throw e;
    }
    server.setExecutor(workers);
    return new BoundedHttpServer(server, workers, shedding);
  }

  /** Runs {@code handler} for every request from now on. */
  public void start(HttpHandler handler) {
    server.createContext("/", exchange -> {
      if (stopping) {
        // The JDK server keeps reading requests from open connections while it stops: end them.
        exchange.getResponseHeaders().set("Connection", "close");
      }
      handler.handle(exchange);
    });
    server.start();
  }

  /**
   * The JDK server reads its time limits once per JVM, when it first starts one: a limit set with
   * {@code -Dsun.net.httpserver.maxReqTime}/{@code maxRspTime} (seconds), or by the first server
   * started, wins over {@code timeout}.
   */
  private static void limitRequestTimes(Duration timeout) {
    // An answer is written as headers then body: without TCP_NODELAY the body waits for the client's delayed
    // acknowledgement of the headers, some 40 ms per request of a client that waits for each answer.
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
    String seconds = Long.toString(timeout.toSeconds());
    for (String property : List.of("sun.net.httpserver.maxReqTime", "sun.net.httpserver.maxRspTime")) {
      if (System.getProperty(property) == null) {
        System.setProperty(property, seconds);
      }
    }
  }

  /**
   * Why the request on this thread is to be answered 503 at once, or null to answer it: every worker
   * is busy and the queue full, or the server is stopping (the request came after {@link #stop} began).
   */
  public String refusal() {
    if (stopping) {
      return "stopping: send the request again";
    }
    if (Thread.currentThread() instanceof Shedding) {
      return "busy: every worker is taken and " + workers.getQueue().size() + " requests wait; retry";
    }
    return null;
  }

  public int port() {
    return server.getAddress().getPort();
  }

  public InetSocketAddress address() {
    return server.getAddress();
  }

  /**
   * Sends {@code status} and {@code body} (none for HEAD, nor when empty) with {@code contentType},
   * and ends the exchange; a client gone (or too slow) is only logged at debug level.
   */
  public static void answer(HttpExchange exchange, int status, String contentType, byte[] body) {
    try (exchange) {
      // The JDK server sends no body for HEAD, nor with length -1 (a 204 must have none).
      boolean none = exchange.getRequestMethod().equals("HEAD") || body.length == 0;
      if (body.length > 0) {
        exchange.getResponseHeaders().set("Content-Type", contentType);
      }
      exchange.sendResponseHeaders(status, none ? -1 : body.length);
      if (!none) {
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(body);
        }
      }
    } catch (IOException e) {
      LOG.debug("answer to {} not sent: {}", exchange.getRequestURI(), e.toString());
    }
  }

  /**
   * Stops listening and refuses the requests that come from now on (503, {@link #refusal()}); lets
   * the requests in progress finish for up to {@code grace} (in whole seconds, rounded up), closes
   * every connection left, and gives the handlers still running as long again to return.
   */
  public void stop(Duration grace) {
    stopping = true;
    long seconds = (grace.toMillis() + 999) / 1000;
    // The JDK 17 server waits the whole delay when no exchange is in progress: no delay then.
    boolean busy = workers.getActiveCount() > 0 || !workers.getQueue().isEmpty() || shedding.getActiveCount() > 0;
    server.stop(busy ? (int) Math.min(seconds, Integer.MAX_VALUE) : 0);
    workers.shutdown();
    shedding.shutdown();
    try {
      workers.awaitTermination(seconds, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** {@link #stop} with a second's grace. */
  @Override
  public void close() {
    stop(Duration.ofSeconds(1));
  }
}
