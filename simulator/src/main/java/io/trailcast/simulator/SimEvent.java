package io.trailcast.simulator;

/**
 * One request of the simulated traffic, with the truth behind it.
 *
 * @param ts event time, epoch ms (whole seconds: server logs carry no finer time)
 * @param device the device that sent it
 * @param method HTTP method
 * @param path path and query as requested
 * @param referrer full referrer URL, or null
 * @param status HTTP status
 * @param bytes response size
 * @param kind what the request truly is (see {@link Kind})
 * @param login the login (email) the device is signed in with, or null
 * @param theme the theme a site search was about (the interest its query came from), or null
 */
public record SimEvent(long ts, Device device, String method, String path, String referrer, int status, int bytes,
    Kind kind, String login, String theme) {

  /** What a request truly is; {@link #isPageview()} follows the definitions in docs/definitions.md. */
  public enum Kind {
    PAGE, SEARCH, CLICK, CONVERSION, LOGIN, LOGOUT, ASSET, REDIRECT, NOT_FOUND;

    /** A page a person saw: counts in depth, bounce and engagement. */
    public boolean isPageview() {
      return this == PAGE || this == SEARCH || this == CLICK || this == CONVERSION;
    }
  }

  public String url() {
    return SiteCatalog.HOST + path;
  }
}
