package io.trailcast.core.cassandra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trailcast.core.TrailcastHome;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class SchemaMigratorTest {
  @Test
  void statementsSplitAtLineEndingSemicolonsWithoutComments() {
    String cql = "-- a comment; with a semicolon\nCREATE TABLE a (x int PRIMARY KEY)\n  WITH comment = 'q';\n\n"
        + "CREATE TABLE b (y int PRIMARY KEY);\n";
    assertEquals(List.of("CREATE TABLE a (x int PRIMARY KEY)\n  WITH comment = 'q'",
        "CREATE TABLE b (y int PRIMARY KEY)"), SchemaMigrator.splitStatements(cql));
  }

  @Test
  void unterminatedStatementIsAnError() {
    assertThrows(IllegalStateException.class, () -> SchemaMigrator.splitStatements("CREATE TABLE a (x int)"));
  }

  @Test
  void indexListsEveryCqlFileOfDeployCqlInOrder() throws IOException {
    Set<String> onDisk;
    try (Stream<Path> files = Files.list(TrailcastHome.root().resolve("deploy/cql"))) {
      onDisk = files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".cql"))
          .collect(Collectors.toCollection(TreeSet::new));
    }
    List<String> indexed = SchemaMigrator.migrations().stream().map(SchemaMigrator.Migration::file).toList();
    assertEquals(List.copyOf(onDisk), indexed);
  }

  @Test
  void everyTableIsCreatedIdempotentlyWithAComment() {
    for (SchemaMigrator.Migration migration : SchemaMigrator.migrations()) {
      for (String statement : migration.statements()) {
        if (statement.startsWith("CREATE TABLE")) {
          assertTrue(statement.startsWith("CREATE TABLE IF NOT EXISTS"), statement);
          assertTrue(statement.contains("comment = '"), "table without a comment: " + statement);
        }
      }
    }
  }
}
