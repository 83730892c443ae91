package io.trailcast.deploy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.trailcast.aggregate.identity.IdentityEvaluation;
import io.trailcast.aggregate.identity.IdentityGraph;
import io.trailcast.aggregate.identity.IdentityJob;
import io.trailcast.core.cassandra.Store;
import io.trailcast.core.UserException;
import io.trailcast.core.cassandra.CassandraTarget;
import io.trailcast.core.cli.OutputFormat;
import io.trailcast.core.spark.SparkSessions;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code trailcast identities}: the identity graph and persons (docs/identity.md). */
@Command(name = "identities", mixinStandardHelpOptions = true,
    description = "Add the logins of the events of --from..--to (and a CRM extract's accounts) to the identity "
        + "graph, quarantine what would merge strangers, compute persons (identity_edges, person_by_identifier, "
        + "person_history, person_profile) and print a quality line.",
    subcommands = {IdentitiesCommand.Evaluate.class, IdentitiesCommand.Who.class})
public final class IdentitiesCommand implements Callable<Integer> {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Mixin
  ClusterOptions cluster;

  /**
   * The days of events whose logins are read: required, but not declared so, which would make
   * `identities evaluate` and `identities who` ask for it too.
   */
  @Mixin
  OptionalDaysOptions days;

  @Option(names = "--crm", paramLabel = "FILE",
      description = "A CRM extract, CSV with a header: crm_id, email, and optionally plan, country, signup_date.")
  Path crm;

  @Option(names = "--max-links", paramLabel = "N", defaultValue = "10",
      description = "An identifier linked to more others is quarantined, not merged (default: ${DEFAULT-VALUE}).")
  int maxLinks;

  @Option(names = "--max-rounds", paramLabel = "N", defaultValue = "20",
      description = "Rounds of label propagation at most (default: ${DEFAULT-VALUE}).")
  int maxRounds;

  @Mixin
  SaltOption salt;

  @Override
  public Integer call() {
    if (!days.given()) {
      throw new UserException("give --from (and --to): the days whose events are read");
    }
    if (maxLinks < 1 || maxRounds < 1) {
      throw new UserException("--max-links and --max-rounds must be at least 1");
    }
    try (Store store = cluster.store()) {
      IdentityJob.Result result = IdentityJob.run(SparkSessions.create("identities", store.target()), store,
          days.from(), days.to(), crm, salt.resolve(store.target()), new IdentityGraph.Rules(maxLinks, maxRounds));
      spec.commandLine().getOut().println(result.line());
      spec.commandLine().getOut().flush();
      return 0;
    }
  }

  @Command(name = "evaluate", mixinStandardHelpOptions = true,
      description = "On simulated traffic: pair precision and recall of the persons against the simulator's "
          + "(pairs of user ids in one person); recall also over the pairs whose two devices both signed in, "
          + "the only ones the logs can link.")
  static final class Evaluate implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    ClusterOptions cluster;

    @Option(names = "--truth", required = true, paramLabel = "DIR", description = "The simulator's --out folder.")
    Path truth;

    @Mixin
    SaltOption salt;

    @Option(names = "--format", paramLabel = "F", defaultValue = "table",
        description = "table or json ({\"precision\": .., \"recall\": ..} and the counts). Default: ${DEFAULT-VALUE}.")
    OutputFormat format;

    @Override
    public Integer call() throws IOException {
      CassandraTarget target = cluster.target();
      IdentityEvaluation.Pairs p = IdentityEvaluation.compare(SparkSessions.create("identities evaluate", target),
          target, truth, salt.resolve(target));
      PrintWriter out = spec.commandLine().getOut();
      if (format == OutputFormat.JSON) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("precision", p.precision());
        json.put("recall", p.recall());
        json.put("users", p.users());
        json.put("persons", p.persons());
        json.put("true_persons", p.truePersons());
        json.put("merged_pairs", p.merged());
        json.put("true_pairs", p.truePairs());
        json.put("correct_pairs", p.correct());
        json.put("signed_in_recall", p.signedInRecall());
        json.put("signed_in_true_pairs", p.signedInTruePairs());
        json.put("signed_in_correct_pairs", p.signedInCorrect());
        out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(json));
      } else {
        out.printf(Locale.ROOT, "%,d human user ids in %,d persons (simulator: %,d): pair precision %.4f (%,d of %,d "
                + "merged pairs true), recall %.4f (%,d of %,d true pairs merged); of the pairs whose devices both "
                + "signed in: recall %.4f (%,d of %,d)%n", p.users(), p.persons(), p.truePersons(), p.precision(),
            p.correct(), p.merged(), p.recall(), p.correct(), p.truePairs(), p.signedInRecall(), p.signedInCorrect(),
            p.signedInTruePairs());
      }
      return 0;
    }
  }

  @Command(name = "who", mixinStandardHelpOptions = true,
      description = "The person an identifier (a user id, e:HASH, l:HASH, crm:ID) belongs to now, or on --date.")
  static final class Who implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    ClusterOptions cluster;

    @Parameters(paramLabel = "IDENTIFIER", description = "The identifier.")
    String identifier;

    @Option(names = "--date", paramLabel = "D", description = "As of the end of this day (UTC).")
    LocalDate date;

    @Override
    public Integer call() {
      java.time.Instant at = date == null ? java.time.Instant.now()
          : date.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant().minusMillis(1);
      try (Store store = cluster.store()) {
        var row = store.cql().execute(com.datastax.oss.driver.api.core.cql.SimpleStatement.newInstance(
            "SELECT person_id, valid_from, valid_to FROM person_history WHERE identifier = ? AND valid_from <= ? "
                + "LIMIT 1", identifier, at)).one();
        PrintWriter out = spec.commandLine().getOut();
        if (row == null || (row.getInstant(2) != null && !row.getInstant(2).isAfter(at))) {
          out.println(identifier + " belonged to no person " + (date == null ? "now" : "on " + date)
              + " (a user id outside the graph is a person of its own)");
          return 1;
        }
        out.println(identifier + " → " + row.getString(0) + " (since " + row.getInstant(1)
            + (row.getInstant(2) == null ? "" : ", until " + row.getInstant(2)) + ")");
        return 0;
      }
    }
  }
}
