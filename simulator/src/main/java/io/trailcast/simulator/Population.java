package io.trailcast.simulator;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;

/** Builds the persons, their devices, emails and CRM records for a seed. */
final class Population {
  static final String SHARED_TEST_LOGIN = "test@test.com";
  private static final List<String> BROWSERS = List.of(
      "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/%d.0.0.0 Safari/537.36",
      "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.%d "
          + "Safari/605.1.15",
      "Mozilla/5.0 (iPhone; CPU iPhone OS 17_%d like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
          + "Version/17.0 Mobile/15E148 Safari/604.1",
      "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/%d.0.0.0 Mobile "
          + "Safari/537.36",
      "Mozilla/5.0 (X11; Linux x86_64; rv:%d.0) Gecko/20100101 Firefox/%d.0",
      "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/%d.0.0.0 Safari/537.36 "
          + "Edg/%d.0.0.0");
  private static final List<String> CRAWLERS = List.of(
      "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
      "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
      "Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)",
      "Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)");
  private static final List<String> FIRST = List.of("jean", "marie", "lucas", "emma", "hugo", "lea", "james",
      "olivia", "pablo", "lucia", "noah", "chloe", "adam", "ines", "liam", "sofia");
  private static final List<String> LAST = List.of("martin", "bernard", "dubois", "smith", "jones", "garcia",
      "lopez", "moreau", "laurent", "brown", "taylor", "sanchez", "petit", "roux");
  private static final List<String> DOMAINS = List.of("gmail.com", "orange.fr", "yahoo.com", "outlook.com",
      "hotmail.fr", "free.fr");
  static final List<String> PLANS = List.of("free", "free", "free", "free", "free", "basic", "basic", "basic",
      "premium", "premium");
  static final List<String> COUNTRIES = List.of("FR", "FR", "FR", "GB", "ES", "US", "DE", "BE");

  final List<Person> persons = new ArrayList<>();
  final List<Device> devices = new ArrayList<>();

  Population(long seed, int humans) {
    SplittableRandom random = new SplittableRandom(seed);
    Set<String> addresses = new HashSet<>();
    int themes = SiteCatalog.THEMES.size();
    for (int i = 0; i < humans; i++) {
      double[] interests = dirichlet(random, themes, 0.35);
      double rate = Math.min(3.0, Math.exp(Math.log(0.35) + 0.8 * gaussian(random)));
      Person person = new Person(persons.size(), String.format("p%06d", i), Person.Type.HUMAN, interests, rate);
      int deviceCount = random.nextDouble() < 0.5 ? 1 : random.nextDouble() < 0.7 ? 2 : 3;
      for (int d = 0; d < deviceCount; d++) {
        String agent = browser(random);
        addDevice(person, uniqueIp(random, addresses, agent), agent, false, random);
      }
      if (random.nextDouble() < 0.45) {
        person.email = FIRST.get(random.nextInt(FIRST.size())) + "." + LAST.get(random.nextInt(LAST.size()))
            + (1 + random.nextInt(999)) + "@" + DOMAINS.get(random.nextInt(DOMAINS.size()));
        for (int d = 0; d < deviceCount; d++) {
          person.typedEmail[d] = random.nextDouble() < 0.1 ? capitalise(person.email) : person.email;
        }
        if (random.nextDouble() < 0.6) {
          person.crmId = String.format("C%07d", i + 1);
        }
      }
      if (random.nextDouble() < 0.01) {
        // QA staff sign in with the shared test account on their own browser: a placeholder login.
        person.typedEmail[0] = SHARED_TEST_LOGIN;
      }
      persons.add(person);
    }
    int crawlers = Math.max(1, humans / 200);
    for (int i = 0; i < crawlers; i++) {
      Person bot = new Person(persons.size(), String.format("bot-crawler-%03d", i), Person.Type.CRAWLER,
          new double[themes], 2.0);
      String agent = CRAWLERS.get(i % CRAWLERS.size());
      String ip = "66.249." + (64 + random.nextInt(32)) + "." + random.nextInt(256);
      addDevice(bot, addresses.add(ip + agent) ? ip : uniqueIp(random, addresses, agent), agent, true, random);
      persons.add(bot);
    }
    int headless = Math.max(1, humans / 500);
    for (int i = 0; i < headless; i++) {
      Person bot = new Person(persons.size(), String.format("bot-headless-%03d", i), Person.Type.HEADLESS,
          new double[themes], 1.0);
      String agent = browser(random);
      addDevice(bot, uniqueIp(random, addresses, agent), agent, true, random);
      persons.add(bot);
    }
  }

  private void addDevice(Person person, String ip, String agent, boolean bot, SplittableRandom random) {
    int index = devices.size();
    String cookie = String.format("%016x", random.nextLong());
    Device device = new Device(index, "d" + index, person.id, ip, agent, cookie, bot);
    devices.add(device);
    person.devices.add(device);
  }

  private static String uniqueIp(SplittableRandom random, Set<String> used, String agent) {
    while (true) {
      String ip = random.nextDouble() < 0.08
          ? String.format("2a01:e0a:%x:%x::%x", random.nextInt(0x10000), random.nextInt(0x10000),
              1 + random.nextInt(0xffff))
          : (11 + random.nextInt(180)) + "." + random.nextInt(256) + "." + random.nextInt(256) + "."
              + (1 + random.nextInt(254));
      if (used.add(ip + agent)) {
        return ip;
      }
    }
  }

  private static String browser(SplittableRandom random) {
    String template = BROWSERS.get(random.nextInt(BROWSERS.size()));
    int version = 118 + random.nextInt(8);
    return template.replace("%d", Integer.toString(template.contains("17.%d") || template.contains("17_%d")
        ? 1 + random.nextInt(5) : version));
  }

  private static String capitalise(String email) {
    return email.substring(0, 1).toUpperCase(Locale.ROOT) + email.substring(1, email.indexOf('@') + 1)
        + email.substring(email.indexOf('@') + 1, email.indexOf('@') + 2).toUpperCase(Locale.ROOT)
        + email.substring(email.indexOf('@') + 2);
  }

  static double[] dirichlet(SplittableRandom random, int n, double alpha) {
    double[] x = new double[n];
    double sum = 0;
    for (int i = 0; i < n; i++) {
      x[i] = gamma(random, alpha);
      sum += x[i];
    }
    for (int i = 0; i < n; i++) {
      x[i] /= sum;
    }
    return x;
  }

  /** Marsaglia-Tsang, with the boost for shape below 1. */
  private static double gamma(SplittableRandom random, double shape) {
    if (shape < 1) {
      return gamma(random, shape + 1) * Math.pow(random.nextDouble(), 1 / shape);
    }
    double d = shape - 1.0 / 3;
    double c = 1 / Math.sqrt(9 * d);
    while (true) {
      double z = gaussian(random);
      double v = Math.pow(1 + c * z, 3);
      if (v > 0 && Math.log(random.nextDouble()) < 0.5 * z * z + d - d * v + d * Math.log(v)) {
        return d * v;
      }
    }
  }

  static double gaussian(SplittableRandom random) {
    double u = 1 - random.nextDouble();
    double v = random.nextDouble();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
}
