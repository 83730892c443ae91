package io.trailcast.simulator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.StringJoiner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Simulates the visitors of a magazine site with a shop and writes their raw logs, a CRM extract
 * and the truth behind them (docs/simulator.md). Each person's visits are generated lazily and
 * merged in time order, so memory grows with the number of persons, not with the output.
 */
public final class Simulator {
  private static final Logger LOG = LoggerFactory.getLogger(Simulator.class);
  /** Relative visit arrival rate per hour of the day (evening peak, quiet nights). */
  private static final double[] HOURLY = {1.0, 0.6, 0.4, 0.3, 0.3, 0.5, 1.0, 2.0, 3.0, 3.5, 3.5, 3.5, 4.0, 3.5,
      3.5, 3.5, 3.5, 4.0, 4.5, 5.0, 5.5, 5.0, 4.0, 2.5};
  private static final long MIN_GAP_MS = 31 * 60_000L;
  static final int PAGES_PER_THEME = 60;

  /** What a run wrote. */
  public record Summary(long lines, long events, long corruptLines, long sessions, long humanSessions,
      long conversions, long botEvents, double bayesAuc, int persons, int devices, int crmRows, List<Path> logs) {
  }

  private final SimulationConfig config;
  private final SiteCatalog catalog;
  private final Population population;
  private final Visits visits;
  private final long endMs;

  public Simulator(SimulationConfig config) {
    this.config = config;
    this.catalog = new SiteCatalog(config.seed(), PAGES_PER_THEME);
    this.population = new Population(config.seed(), config.persons());
    this.visits = new Visits(catalog);
    this.endMs = config.start().plusDays(config.days()).atStartOfDay(config.zone()).toInstant().toEpochMilli();
  }

  /** A person's current visit, replayed one request at a time. */
  private static final class Cursor {
    final Person person;
    Visits.Visit visit;
    int next;

    Cursor(Person person) {
      this.person = person;
    }

    SimEvent peek() {
      return visit.events().get(next);
    }
  }

  public Summary run() {
    try {
      return write();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the simulation to " + config.out(), e);
    }
  }

  private Summary write() throws IOException {
    Path out = config.out();
    Files.createDirectories(out.resolve("truth"));
    PriorityQueue<Cursor> queue = new PriorityQueue<>(Comparator
        .comparingLong((Cursor c) -> c.peek().ts())
        .thenComparingInt(c -> c.peek().device().index()));
    for (Person person : population.persons) {
      person.random = new SplittableRandom(config.seed() * 1_000_003L + person.index);
      Cursor cursor = new Cursor(person);
      if (nextVisit(cursor)) {
        queue.add(cursor);
      }
    }
    SplittableRandom corruptRandom = new SplittableRandom(config.seed() ^ 0xbad_11e5L);
    double corruptChance = config.corruptShare() / (1 - config.corruptShare());
    AucHistogram auc = new AucHistogram();
    long[] counts = new long[7];
    List<Path> logs = new ArrayList<>();
    try (OutputFiles.LineFile sessionsFile = new OutputFiles.LineFile(out.resolve("truth/sessions.csv"), false);
        OutputFiles.LineFile eventsFile = new OutputFiles.LineFile(out.resolve("truth/events.csv"), config.gzip())) {
      sessionsFile.write("session_id,person_id,device_id,day,start,end,end_reason,landing_page,exit_page,depth,events,"
          + "duration_ms,bounced,engaged,searches,searches_with_click,clicks,converted,conversion_probability,bot,"
          + "campaign,channel");
      eventsFile.write("file,line,ts,person_id,device_id,session_id,kind,bot,corrupt,login");
      TruthSessions truth = new TruthSessions(config.zone(), s -> {
        try {
          sessionsFile.write(OutputFiles.csvLine(s.sessionId(), s.personId(), s.deviceId(), s.day(),
              Instant.ofEpochMilli(s.start()), Instant.ofEpochMilli(s.end()), s.endReason(), s.landingPage(),
              s.exitPage(), s.depth(), s.events(), s.end() - s.start(), s.bounced(), s.engaged(), s.searches(),
              s.searchesWithClick(), s.clicks(), s.converted(), s.conversionProbability(), s.bot(), s.campaign(),
              s.channel()));
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
        counts[3]++;
        if (!s.bot()) {
          counts[4]++;
          if (!Double.isNaN(s.conversionProbability())) {
            auc.add(s.conversionProbability(), s.converted());
          }
        }
        if (s.converted()) {
          counts[5]++;
        }
      });
      LogDays days = new LogDays(out.resolve("logs"), logs);
      while (!queue.isEmpty()) {
        Cursor cursor = queue.poll();
        SimEvent event = cursor.peek();
        String session = truth.add(event, Urls.campaign(event.path()));
        cursor.next++;
        boolean visitDone = cursor.next == cursor.visit.events().size();
        if (visitDone && !Double.isNaN(cursor.visit.conversionProbability())) {
          truth.recordConversionProbability(event.device(), cursor.visit.conversionProbability());
        }
        countPageview(cursor.person, event);
        String line = days.lineFor(event);
        long lineNo = days.file.write(line);
        counts[0]++;
        counts[1]++;
        if (event.device().bot()) {
          counts[6]++;
        }
        eventsFile.write(OutputFiles.csvLine(days.file.name, lineNo, Instant.ofEpochMilli(event.ts()),
            cursor.person.id, event.device().id(), session, event.kind().name().toLowerCase(Locale.ROOT),
            event.device().bot(), "", event.login()));
        if (corruptChance > 0 && corruptRandom.nextDouble() < corruptChance) {
          Corruption.Kind kind = Corruption.pick(corruptRandom);
          long badLine = days.file.write(Corruption.corrupt(kind, line, config.format(), corruptRandom));
          counts[0]++;
          counts[2]++;
          eventsFile.write(OutputFiles.csvLine(days.file.name, badLine, "", "", "", "", "", "",
              kind.name().toLowerCase(Locale.ROOT), ""));
        }
        if (!visitDone || nextVisit(cursor)) {
          queue.add(cursor);
        }
      }
      days.close();
      truth.finishAll(endMs);
    }
    int crmRows = writePersons(out);
    Summary summary = new Summary(counts[0], counts[1], counts[2], counts[3], counts[4], counts[5], counts[6],
        auc.auc(), population.persons.size(), population.devices.size(), crmRows, logs);
    writeSummary(out, summary);
    LOG.info("simulated {} lines ({} corrupt) of {} persons over {} days into {}", summary.lines(),
        summary.corruptLines(), config.persons(), config.days(), out);
    return summary;
  }

  /** Plans the person's next visit; false when they have none left before the end. */
  private boolean nextVisit(Cursor cursor) {
    Person person = cursor.person;
    while (true) {
      Long planned = plannedStart(person);
      if (planned == null) {
        return false;
      }
      long start = person.lastVisitEnd == Long.MIN_VALUE ? planned
          : Math.max(planned, person.lastVisitEnd + MIN_GAP_MS + person.random.nextInt(3600) * 1000L);
      if (start >= endMs) {
        return false;
      }
      Visits.Visit visit = visits.generate(person, start);
      long end = visit.events().get(visit.events().size() - 1).ts();
      person.lastVisitEnd = end;
      if (end >= endMs) {
        return false;
      }
      cursor.visit = visit;
      cursor.next = 0;
      return true;
    }
  }

  /** The next planned visit start of a person, planning day by day (daily and weekly rhythm). */
  private Long plannedStart(Person person) {
    while (person.plannedStarts.isEmpty()) {
      person.plannedDay++;
      if (person.plannedDay >= config.days()) {
        return null;
      }
      driftInterests(person);
      LocalDate day = config.start().plusDays(person.plannedDay);
      boolean weekend = day.getDayOfWeek() == DayOfWeek.SATURDAY || day.getDayOfWeek() == DayOfWeek.SUNDAY;
      int visitsToday = poisson(person.random, person.visitsPerDay * (weekend ? 0.8 : 1.08));
      List<Long> starts = new ArrayList<>();
      for (int i = 0; i < visitsToday; i++) {
        int hour = pickHour(person.random);
        LocalTime time = LocalTime.of(hour, person.random.nextInt(60), person.random.nextInt(60));
        starts.add(day.atTime(time).atZone(config.zone()).toInstant().toEpochMilli());
      }
      starts.sort(null);
      person.plannedStarts.addAll(starts);
    }
    return person.plannedStarts.poll();
  }

  /** Interests drift slowly: a small random step a day, renormalised. */
  private static void driftInterests(Person person) {
    if (person.type != Person.Type.HUMAN) {
      return;
    }
    double sum = 0;
    for (int t = 0; t < person.interests.length; t++) {
      person.interests[t] = Math.max(0.001, person.interests[t] + 0.01 * Population.gaussian(person.random));
      sum += person.interests[t];
    }
    for (int t = 0; t < person.interests.length; t++) {
      person.interests[t] /= sum;
      person.interestSum[t] += person.interests[t];
    }
    person.interestDays++;
  }

  private void countPageview(Person person, SimEvent event) {
    if (person.type != Person.Type.HUMAN || !event.kind().isPageview()) {
      return;
    }
    int dayIndex = (int) java.time.temporal.ChronoUnit.DAYS.between(config.start(),
        LocalDate.ofInstant(Instant.ofEpochMilli(event.ts()), config.zone()));
    person.activeDays.set(dayIndex);
    String path = event.path();
    // A search counts for the interest its query came from, as trailcast themes search pages too.
    int theme = -1;
    for (int t = 0; t < SiteCatalog.THEMES.size() && event.theme() != null; t++) {
      if (SiteCatalog.THEMES.get(t).name().equals(event.theme())) {
        theme = t;
      }
    }
    for (int t = 0; t < SiteCatalog.THEMES.size() && theme < 0; t++) {
      for (String section : SiteCatalog.THEMES.get(t).sections().values()) {
        if (path.startsWith("/" + section + "/")) {
          theme = t;
          break;
        }
      }
    }
    if (theme >= 0) {
      person.themePageviews[theme]++;
      person.dayThemePageviews.computeIfAbsent(dayIndex, d -> new long[SiteCatalog.THEMES.size()])[theme]++;
    }
  }

  /** Writes logs day by day (site time zone), with W3C headers and a mid-day header change. */
  private final class LogDays {
    private final Path dir;
    private final List<Path> logs;
    OutputFiles.LineFile file;
    private LocalDate day;
    private List<String> fields = LogFormat.W3C_FIELDS;
    private long noon;

    LogDays(Path dir, List<Path> logs) {
      this.dir = dir;
      this.logs = logs;
    }

    String lineFor(SimEvent event) throws IOException {
      LocalDate eventDay = Instant.ofEpochMilli(event.ts()).atZone(config.zone()).toLocalDate();
      if (!eventDay.equals(day)) {
        close();
        day = eventDay;
        String name = (config.format() == LogFormat.JSONL ? "events-" : "access-") + day + "."
            + config.format().extension() + (config.gzip() ? ".gz" : "");
        Path path = dir.resolve(name);
        logs.add(path);
        file = new OutputFiles.LineFile(path, config.gzip());
        fields = LogFormat.W3C_FIELDS;
        noon = day.atTime(12, 0).atZone(config.zone()).toInstant().toEpochMilli();
        for (String header : config.format().header(day.toString(), fields)) {
          file.write(header);
        }
      } else if (config.format() == LogFormat.W3C && fields == LogFormat.W3C_FIELDS && event.ts() >= noon) {
        // IIS rewrites the header when logging options change; the fields after it come in its order.
        fields = LogFormat.W3C_FIELDS_REORDERED;
        file.write("#Fields: " + String.join(" ", fields));
      }
      return config.format().line(event, config.zone(), fields);
    }

    void close() throws IOException {
      if (file != null) {
        file.close();
      }
    }
  }

  private int writePersons(Path out) throws IOException {
    int crmRows = 0;
    try (OutputFiles.LineFile persons = new OutputFiles.LineFile(out.resolve("truth/persons.csv"), false);
        OutputFiles.LineFile devices = new OutputFiles.LineFile(out.resolve("truth/devices.csv"), false);
        OutputFiles.LineFile crm = new OutputFiles.LineFile(out.resolve("crm.csv"), false);
        OutputFiles.LineFile urls = new OutputFiles.LineFile(out.resolve("truth/urls.csv"), false);
        OutputFiles.LineFile themeDays = new OutputFiles.LineFile(out.resolve("truth/theme_days.csv"), false)) {
      persons.write("person_id,kind,devices,email,crm_id,interests,sustained_interests,active_days,pageviews,"
          + "theme_pageviews");
      devices.write("device_id,person_id,ip,user_agent,cookie,bot,login");
      crm.write("crm_id,email,plan,country,signup_date");
      urls.write("url,theme,language");
      themeDays.write("person_id,day,theme,pageviews");
      SplittableRandom crmRandom = new SplittableRandom(config.seed() ^ 0xc12eL);
      for (Person person : population.persons) {
        StringJoiner deviceIds = new StringJoiner(";");
        for (int slot = 0; slot < person.devices.size(); slot++) {
          Device device = person.devices.get(slot);
          deviceIds.add(device.id());
          devices.write(OutputFiles.csvLine(device.id(), person.id, device.ip(), device.userAgent(),
              device.cookie(), device.bot(), person.typedEmail[slot]));
        }
        StringJoiner interests = new StringJoiner(";");
        StringJoiner sustained = new StringJoiner(";");
        StringJoiner themeViews = new StringJoiner(";");
        long pageviews = 0;
        for (int t = 0; t < SiteCatalog.THEMES.size(); t++) {
          String theme = SiteCatalog.THEMES.get(t).name();
          double mean = person.meanInterest(t);
          if (person.type == Person.Type.HUMAN && mean >= 0.01) {
            interests.add(theme + ":" + String.format(Locale.ROOT, "%.3f", mean));
          }
          if (person.type == Person.Type.HUMAN && mean >= 0.30) {
            sustained.add(theme);
          }
          if (person.themePageviews[t] > 0) {
            themeViews.add(theme + ":" + person.themePageviews[t]);
            pageviews += person.themePageviews[t];
          }
        }
        for (var day : person.dayThemePageviews.entrySet()) {
          for (int t = 0; t < SiteCatalog.THEMES.size(); t++) {
            if (day.getValue()[t] > 0) {
              themeDays.write(OutputFiles.csvLine(person.id, config.start().plusDays(day.getKey()),
                  SiteCatalog.THEMES.get(t).name(), day.getValue()[t]));
            }
          }
        }
        persons.write(OutputFiles.csvLine(person.id, person.type.name().toLowerCase(Locale.ROOT), deviceIds,
            person.email, person.crmId, interests, sustained, person.activeDays.cardinality(), pageviews,
            themeViews));
        if (person.crmId != null) {
          crm.write(OutputFiles.csvLine(person.crmId, person.email,
              Population.PLANS.get(crmRandom.nextInt(Population.PLANS.size())),
              Population.COUNTRIES.get(crmRandom.nextInt(Population.COUNTRIES.size())),
              config.start().minusDays(1 + crmRandom.nextInt(900))));
          crmRows++;
        }
      }
      // CRM rows of people who never visited, and rows with placeholder emails, as real extracts have.
      int extra = Math.max(2, config.persons() / 50);
      for (int i = 0; i < extra; i++) {
        String email = i == 0 ? "unknown" : i == 1 ? "" : "offline" + i + "@example.org";
        crm.write(OutputFiles.csvLine(String.format("C9%06d", i), email, "free", "FR",
            config.start().minusDays(1 + crmRandom.nextInt(900))));
        crmRows++;
      }
      for (SiteCatalog.Page page : catalog.allPages()) {
        urls.write(OutputFiles.csvLine(page.url(), page.theme(), page.language()));
      }
      for (String path : SiteCatalog.SERVICE_PATHS) {
        urls.write(OutputFiles.csvLine(SiteCatalog.HOST + path, "", ""));
      }
    }
    return crmRows;
  }

  private void writeSummary(Path out, Summary s) throws IOException {
    String json = "{\n"
        + "  \"persons\": " + config.persons() + ",\n"
        + "  \"days\": " + config.days() + ",\n"
        + "  \"start\": \"" + config.start() + "\",\n"
        + "  \"seed\": " + config.seed() + ",\n"
        + "  \"format\": \"" + config.format().name().toLowerCase(Locale.ROOT) + "\",\n"
        + "  \"timezone\": \"" + config.zone() + "\",\n"
        + "  \"corrupt_share\": " + config.corruptShare() + ",\n"
        + "  \"lines\": " + s.lines() + ",\n"
        + "  \"events\": " + s.events() + ",\n"
        + "  \"corrupt_lines\": " + s.corruptLines() + ",\n"
        + "  \"bot_events\": " + s.botEvents() + ",\n"
        + "  \"sessions\": " + s.sessions() + ",\n"
        + "  \"human_sessions\": " + s.humanSessions() + ",\n"
        + "  \"conversions\": " + s.conversions() + ",\n"
        + "  \"devices\": " + s.devices() + ",\n"
        + "  \"crm_rows\": " + s.crmRows() + ",\n"
        + "  \"bayes_auc\": " + (Double.isNaN(s.bayesAuc()) ? "null" : String.format(Locale.ROOT, "%.4f",
            s.bayesAuc())) + "\n"
        + "}\n";
    Files.writeString(out.resolve("truth/summary.json"), json);
  }

  private static int pickHour(SplittableRandom random) {
    double total = 0;
    for (double w : HOURLY) {
      total += w;
    }
    double u = random.nextDouble() * total;
    for (int h = 0; h < HOURLY.length; h++) {
      u -= HOURLY[h];
      if (u < 0) {
        return h;
      }
    }
    return HOURLY.length - 1;
  }

  private static int poisson(SplittableRandom random, double mean) {
    double limit = Math.exp(-mean);
    double product = random.nextDouble();
    int k = 0;
    while (product > limit) {
      product *= random.nextDouble();
      k++;
    }
    return k;
  }
}
