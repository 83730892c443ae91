package io.trailcast.aggregate.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.trailcast.aggregate.experiments.ExperimentDefinitions.Experiment;
import io.trailcast.core.UserException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The experiments file: defaults filled in, and each mistake refused with one line naming it. */
class ExperimentDefinitionsTest {
  @TempDir
  Path tmp;

  @Test
  void theShippedExampleAndTheDefaults() throws Exception {
    Experiment home = ExperimentDefinitions.defaults().named("home-hero");
    assertEquals(3, home.variants().size());
    assertEquals("b", home.variantOf("/?hero=b").id());
    assertEquals(null, home.variantOf("/?hero=z"));
    Experiment minimal = ExperimentDefinitions.load(Files.writeString(tmp.resolve("e.yaml"), """
        experiments:
          - name: pricing
            landing: ^/pricing
            variants: [{id: old, url: /pricing}, {id: new, url: "/pricing?layout=2"}]
        """)).named("pricing");
    assertEquals(ExperimentDefinitions.Reward.NOT_BOUNCED, minimal.reward());
    assertEquals(ExperimentDefinitions.Policy.THOMPSON, minimal.policy());
    assertEquals(0.05, minimal.minShare());
    assertEquals(100, minimal.minSessions());
    assertEquals(0.1, minimal.epsilon());
    assertEquals(true, minimal.landing().matcher("/pricing?utm=x").find());
    UserException unknown = assertThrows(UserException.class, () -> ExperimentDefinitions.defaults().named("x"));
    assertEquals("no experiment 'x' (experiments: home-hero)", unknown.getMessage());
  }

  @ParameterizedTest(name = "{1}")
  @CsvSource(delimiter = '|', value = {
      "variants: [{id: a, url: /}]|experiment e needs two variants or more",
      "variants: [{id: a, url: /}, {id: a, url: /b}]|experiment e: variant a repeats an id or a url",
      "variants: [{id: a, url: /}, {id: b, url: b}]|experiment e: each variant needs an id and a url starting with / "
          + "(path and query, no host)",
      "variants: [{id: a, url: /}, {id: b, url: /b}], policy: greedy|experiment e: unknown policy 'greedy': use "
          + "thompson, epsilon-greedy or uniform",
      "variants: [{id: a, url: /}, {id: b, url: /b}], reward: clicks|experiment e: unknown reward 'clicks': use "
          + "not_bounced, engaged or converted",
      "variants: [{id: a, url: /}, {id: b, url: /b}], min_share: 0.6|experiment e: min_share 0.6 for 2 variants "
          + "leaves nothing to weigh (at most 0.5)",
      "variants: [{id: a, url: /}, {id: b, url: /b}], landing: '(['|experiment e: bad landing regex: Unclosed "
          + "character class",
  })
  void mistakesAreOneLine(String entry, String message) throws Exception {
    Path file = Files.writeString(tmp.resolve("bad.yaml"), "experiments:\n  - {name: e, " + entry + "}\n");
    UserException refused = assertThrows(UserException.class, () -> ExperimentDefinitions.load(file));
    assertEquals(file + ": " + message, refused.getMessage());
  }
}
