package io.trailcast.deploy;

import io.trailcast.aggregate.identity.ForgetJob;
import io.trailcast.core.cassandra.Store;
import io.trailcast.core.spark.SparkSessions;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code trailcast forget}: erase a person (docs/identity.md "Forgetting a person"). */
@Command(name = "forget", mixinStandardHelpOptions = true,
    description = {"Erase a person: from one identifier, find the person and every identifier of theirs (the "
          + "identity graph, never through a quarantined, shared identifier), delete every row naming one of them "
          + "in every table of the keyspace (events, quarantined lines holding the raw email or login given, "
          + "sessions and scores, live ones included, daily and lifetime aggregates, identity tables, profiles, "
          + "segments), add their identifiers to suppressed_identifiers (ingest, stream and identities drop "
          + "whatever names them again; a running stream drops their state at its next micro-batch) and write an "
          + "audit row to forget_audit (the identifier only as a salted hash).",
        "Aggregates without identifiers (page, search and live metrics, segment sizes), models already trained "
            + "and the Kafka topic (until its retention ends) keep the person's share."})
public final class ForgetCommand implements Callable<Integer> {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Mixin
  ClusterOptions cluster;

  @Option(names = "--identifier", required = true, paramLabel = "ID",
      description = "As `identities who` takes it (a user id, e:HASH, l:HASH, crm:ID), or a raw email or login "
          + "with --kind.")
  String identifier;

  @Option(names = "--kind", paramLabel = "KIND",
      description = "email, login (raw: hashed with the salt as ingest hashes them), user or crm. Default: the "
          + "identifier as stored.")
  String kind;

  @Option(names = "--dry-run", description = "List what would go; change nothing.")
  boolean dryRun;

  @Mixin
  SaltOption salt;

  @Override
  public Integer call() {
    ForgetJob.Kind parsed = ForgetJob.Kind.parse(kind);
    ForgetJob.Result result;
    try (Store store = cluster.store()) {
      result = ForgetJob.run(SparkSessions.create("forget", store.target()), store, identifier, parsed,
          salt.resolve(store.target()), dryRun);
    }
    PrintWriter out = spec.commandLine().getOut();
    out.printf(Locale.ROOT, "[forget]    %s%d identifiers of %d person(s): %,d rows %s (%s)%s%n",
        dryRun ? "dry run: " : "", result.person().identifiers().size(), result.person().personIds().size(),
        result.total(), dryRun ? "would go" : "deleted", ForgetJob.describe(result.deleted()),
        dryRun ? "" : "; request " + result.requestId() + " in forget_audit, identifiers suppressed");
    return 0;
  }
}
