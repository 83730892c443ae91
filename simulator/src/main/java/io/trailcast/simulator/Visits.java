package io.trailcast.simulator;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Generates one visit of a person on one of their devices: the requests in time order and, for
 * humans, the conversion model's probability. The model (docs/simulator.md) is known, so the best
 * AUC any classifier can reach on this traffic is known too.
 */
final class Visits {
  static final String SITE = "https://" + SiteCatalog.HOST;
  private static final List<String> CAMPAIGNS = List.of(
      "utm_source=newsletter&utm_medium=email&utm_campaign=weekly_digest",
      "utm_source=newsletter&utm_medium=email&utm_campaign=spring_sale",
      "utm_source=facebook&utm_medium=social&utm_campaign=summer_travel");

  /** A generated visit. */
  record Visit(List<SimEvent> events, Device device, double conversionProbability) {
  }

  private final SiteCatalog catalog;

  Visits(SiteCatalog catalog) {
    this.catalog = catalog;
  }

  Visit generate(Person person, long start) {
    return switch (person.type) {
      case CRAWLER -> crawl(person, start);
      case HEADLESS -> burst(person, start);
      default -> human(person, start);
    };
  }

  private Visit human(Person person, long start) {
    SplittableRandom r = person.random;
    int deviceSlot = person.devices.size() == 1 || r.nextDouble() < 0.7 ? 0 : 1 + r.nextInt(person.devices.size() - 1);
    Device device = person.devices.get(deviceSlot);
    Trail trail = new Trail(person, device, deviceSlot, start);
    boolean marathon = r.nextDouble() < 0.003;
    int steps = marathon ? 60 : 1 + geometric(r, 0.3, 29);

    // Landing: a campaign link, a search engine, a social post, or typed in.
    String query = null;
    double landing = r.nextDouble();
    String landingReferrer = landing < 0.30 ? "https://www.google.com/" : landing < 0.38 ? "https://t.co/x9" : null;
    if (landing < 0.12) {
      query = CAMPAIGNS.get(r.nextInt(CAMPAIGNS.size()));
      landingReferrer = null;
      trail.campaign = true;
    } else if (landing < 0.15) {
      query = "gclid=" + Long.toHexString(r.nextLong() & 0xffffffffffL);
      landingReferrer = "https://www.google.com/";
      trail.campaign = true;
    }
    SiteCatalog.Page first = themedPage(person, r);
    trail.page(first.path() + (query == null ? "" : "?" + query), landingReferrer, SimEvent.Kind.PAGE);
    trail.countTheme(first.theme());

    String typed = person.typedEmail[deviceSlot];
    if (typed != null && person.loginByDevice[deviceSlot] == null && r.nextDouble() < 0.25) {
      trail.advance(dwell(r));
      trail.request("POST", SiteCatalog.LOGIN_PATH, trail.lastPageUrl, 302, SimEvent.Kind.LOGIN);
      person.loginByDevice[deviceSlot] = typed;
    }
    for (int step = 1; step < steps; step++) {
      trail.advance(marathon ? 600_000L + r.nextInt(900) * 1000L : dwell(r));
      double action = r.nextDouble();
      if (!marathon && action < 0.12) {
        search(trail, person, r);
      } else if (action < 0.12 + 0.04 + 0.08 * person.interests[person.topInterest()]) {
        trail.page("/pricing", trail.lastPageUrl, SimEvent.Kind.PAGE);
        trail.pricing = true;
      } else if (action < 0.30 && action >= 0.29) {
        trail.request("GET", "/" + SiteCatalog.THEMES.get(r.nextInt(8)).sections().get("en") + "/old-story-"
            + (100 + r.nextInt(900)), trail.lastPageUrl, 404, SimEvent.Kind.NOT_FOUND);
      } else if (!marathon && action > 0.995) {
        // An ad seen on another site brings the visitor back mid-visit: a new campaign, a new session.
        SiteCatalog.Page page = themedPage(person, r);
        trail.page(page.path() + "?utm_source=display&utm_medium=cpc&utm_campaign=retarget", null,
            SimEvent.Kind.PAGE);
        trail.countTheme(page.theme());
      } else {
        SiteCatalog.Page page = themedPage(person, r);
        if (r.nextDouble() < 0.03) {
          trail.request("GET", "/go/" + page.path().substring(page.path().lastIndexOf('/') + 1), trail.lastPageUrl,
              301, SimEvent.Kind.REDIRECT);
        }
        trail.page(page.path(), trail.lastPageUrl, SimEvent.Kind.PAGE);
        trail.countTheme(page.theme());
      }
    }
    double p = conversionProbability(trail, person);
    if (r.nextDouble() < p) {
      trail.advance(dwell(r));
      boolean checkout = r.nextDouble() < 0.4;
      trail.page(checkout ? "/checkout" : "/registration", trail.lastPageUrl, SimEvent.Kind.PAGE);
      trail.advance(5_000 + r.nextInt(60) * 1000L);
      trail.page(checkout ? "/checkout/confirm" : "/registration/ok", trail.lastPageUrl, SimEvent.Kind.CONVERSION);
    }
    if (person.loginByDevice[deviceSlot] != null && r.nextDouble() < 0.15) {
      trail.advance(dwell(r));
      trail.request("GET", SiteCatalog.LOGOUT_PATH, trail.lastPageUrl, 302, SimEvent.Kind.LOGOUT);
      person.loginByDevice[deviceSlot] = null;
    }
    return new Visit(trail.events, device, p);
  }

  /**
   * The conversion model: a logistic function of what the visit did before the funnel. Known
   * coefficients (docs/simulator.md) make the Bayes AUC known.
   */
  static double conversionProbability(Trail trail, Person person) {
    double focus = trail.pageviews == 0 ? 0 : (double) trail.topThemePages / trail.pageviews;
    double recencyDays = trail.daysSincePreviousVisit;
    double logit = -4.0 + 0.6 * Math.log1p(trail.pageviews) + 1.5 * (trail.pricing ? 1 : 0)
        + 0.6 * (trail.searchClicked ? 1 : 0) + 0.7 * (trail.campaign ? 1 : 0) + 1.0 * focus
        + 0.4 * (trail.commercialTheme ? 1 : 0) - 0.04 * recencyDays;
    return 1 / (1 + Math.exp(-logit));
  }

  private void search(Trail trail, Person person, SplittableRandom r) {
    SiteCatalog.Theme theme = SiteCatalog.THEMES.get(pickTheme(person, r));
    String language = r.nextDouble() < 0.5 ? "en" : r.nextDouble() < 0.6 ? "fr" : "es";
    List<String> words = theme.words().get(language);
    String query = words.get(r.nextInt(words.size())) + (r.nextDouble() < 0.5 ? "" : " "
        + SiteCatalog.NAMES.get(r.nextInt(SiteCatalog.NAMES.size())));
    String path = SiteCatalog.SEARCH_PATH + "?q=" + URLEncoder.encode(query, StandardCharsets.UTF_8);
    String before = trail.lastPageUrl;
    trail.page(path, trail.lastPageUrl, SimEvent.Kind.SEARCH, theme.name());
    double clickProbability = SiteCatalog.clickProbability(query);
    boolean clicked = r.nextDouble() < clickProbability;
    if (!clicked && r.nextDouble() < 0.25) {
      trail.advance(dwell(r));
      trail.page(path + "&page=2", trail.lastPageUrl, SimEvent.Kind.SEARCH, theme.name());
      clicked = r.nextDouble() < clickProbability;
    }
    if (clicked) {
      trail.advance(dwell(r));
      SiteCatalog.Page result = catalog.pages(SiteCatalog.THEMES.indexOf(theme)).get(r.nextInt(
          catalog.pages(SiteCatalog.THEMES.indexOf(theme)).size()));
      trail.page(result.path(), trail.lastPageUrl, SimEvent.Kind.CLICK);
      trail.countTheme(result.theme());
      trail.searchClicked = true;
    } else {
      // No result clicked: the visitor goes back, so the next page is not reached from the results
      // (a page whose referrer is a results page is a result click, by definition).
      trail.lastPageUrl = before;
    }
  }

  private Visit crawl(Person bot, long start) {
    SplittableRandom r = bot.random;
    Device device = bot.devices.get(0);
    Trail trail = new Trail(bot, device, 0, start);
    trail.request("GET", "/robots.txt", null, 200, SimEvent.Kind.ASSET);
    List<SiteCatalog.Page> pages = catalog.allPages();
    int n = 30 + r.nextInt(50);
    for (int i = 0; i < n; i++) {
      trail.advance(2_000 + r.nextInt(6) * 1000L);
      trail.botPage(pages.get(r.nextInt(pages.size())).path(), null);
    }
    return new Visit(trail.events, device, Double.NaN);
  }

  private Visit burst(Person bot, long start) {
    SplittableRandom r = bot.random;
    Device device = bot.devices.get(0);
    Trail trail = new Trail(bot, device, 0, start);
    List<SiteCatalog.Page> pages = catalog.allPages();
    int n = 45 + r.nextInt(20);
    for (int i = 0; i < n; i++) {
      trail.page(pages.get(r.nextInt(pages.size())).path(), trail.lastPageUrl, SimEvent.Kind.PAGE);
      trail.advance(1_000);
    }
    return new Visit(trail.events, device, Double.NaN);
  }

  private SiteCatalog.Page themedPage(Person person, SplittableRandom r) {
    List<SiteCatalog.Page> pages = catalog.pages(pickTheme(person, r));
    return pages.get(r.nextInt(pages.size()));
  }

  static int pickTheme(Person person, SplittableRandom r) {
    double u = r.nextDouble();
    double sum = 0;
    for (int t = 0; t < person.interests.length; t++) {
      sum += person.interests[t];
      if (u < sum) {
        return t;
      }
    }
    return person.interests.length - 1;
  }

  /** Time on a page before the next request: log-normal, median 35 s, between 3 s and 20 min. */
  static long dwell(SplittableRandom r) {
    double seconds = Math.exp(Math.log(35) + 0.9 * Population.gaussian(r));
    return Math.round(Math.max(3, Math.min(1200, seconds))) * 1000L;
  }

  private static int geometric(SplittableRandom r, double p, int max) {
    int k = 0;
    while (k < max && r.nextDouble() >= p) {
      k++;
    }
    return k;
  }

  /** A visit being built: its requests and the features the conversion model reads. */
  static final class Trail {
    final Person person;
    final Device device;
    final int deviceSlot;
    final List<SimEvent> events = new ArrayList<>();
    long now;
    String lastPageUrl;
    int pageviews;
    int topThemePages;
    boolean pricing;
    boolean searchClicked;
    boolean campaign;
    boolean commercialTheme;
    final double daysSincePreviousVisit;

    Trail(Person person, Device device, int deviceSlot, long start) {
      this.person = person;
      this.device = device;
      this.deviceSlot = deviceSlot;
      this.now = start;
      this.daysSincePreviousVisit = person.lastVisitEnd == Long.MIN_VALUE ? 30
          : Math.min(30, (start - person.lastVisitEnd) / 86_400_000.0);
    }

    void advance(long millis) {
      now += millis;
    }

    void countTheme(String theme) {
      if (theme.equals(SiteCatalog.THEMES.get(person.topInterest()).name())) {
        topThemePages++;
      }
      if (theme.equals("finance") || theme.equals("technology")) {
        commercialTheme = true;
      }
    }

    /** A page with its assets (stylesheet, scripts, image) loaded within the next second. */
    void page(String path, String referrer, SimEvent.Kind kind) {
      page(path, referrer, kind, null);
    }

    void page(String path, String referrer, SimEvent.Kind kind, String theme) {
      request("GET", path, referrer, 200, kind, theme);
      pageviews++;
      String pageUrl = SITE + path;
      int assets = 2 + person.random.nextInt(3);
      for (int i = 0; i < assets; i++) {
        String asset = i < SiteCatalog.ASSETS.size() - 1 ? SiteCatalog.ASSETS.get(i) : "/img/hero-" + (i + 1) + ".jpg";
        events.add(new SimEvent(now + (i < 2 ? 0 : 1000), device, "GET", asset, pageUrl,
            person.random.nextDouble() < 0.15 ? 304 : 200, 2_000 + person.random.nextInt(80_000),
            SimEvent.Kind.ASSET, person.loginByDevice[deviceSlot], null));
      }
      lastPageUrl = pageUrl;
      now += 1000;
    }

    /** A crawler's page: no assets. */
    void botPage(String path, String referrer) {
      request("GET", path, referrer, 200, SimEvent.Kind.PAGE);
      pageviews++;
    }

    void request(String method, String path, String referrer, int status, SimEvent.Kind kind) {
      request(method, path, referrer, status, kind, null);
    }

    void request(String method, String path, String referrer, int status, SimEvent.Kind kind, String theme) {
      events.add(new SimEvent(now, device, method, path, referrer, status,
          status == 302 || status == 301 ? 0 : 5_000 + person.random.nextInt(60_000), kind,
          person.loginByDevice[deviceSlot], theme));
    }
  }
}
