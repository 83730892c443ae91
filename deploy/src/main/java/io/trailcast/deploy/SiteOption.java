package io.trailcast.deploy;

import io.trailcast.ingest.SiteConfig;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --site-config}, declared once: the site's YAML, where every site setting is defaulted. */
final class SiteOption {
  @Option(names = "--site-config", paramLabel = "FILE",
      description = "The site's YAML config (host, time zone, search, conversions, funnel, session rules, ...); "
          + "default: the shipped default-site.yaml.")
  Path file;

  /** The file's config, or the shipped default. */
  SiteConfig load() {
    return file == null ? SiteConfig.defaults() : SiteConfig.load(file);
  }
}
