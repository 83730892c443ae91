package io.trailcast.deploy;

import io.trailcast.ingest.SiteConfig;
import picocli.CommandLine.Option;

/** {@code --log-format}, declared once for ingest, pipeline and stream: the site config's {@code log_format}. */
final class LogFormatOption {
  @Option(names = "--log-format", paramLabel = "FORMAT",
      description = "The server's own access log format string, in Apache LogFormat syntax ('%%h %%l %%u %%t \"%%r\" "
          + "%%>s %%b \"%%{Referer}i\" \"%%{User-Agent}i\" %%D') or nginx log_format syntax ('$remote_addr - "
          + "$remote_user [$time_local] \"$request\" $status $body_bytes_sent \"$http_referer\" "
          + "\"$http_user_agent\" $request_time'); overrides the site config's log_format. A directive neither "
          + "syntax has fails the run with its name; a line the format does not match is quarantined.")
  String format;

  /** {@code site} with this run's format string over its own (none given: {@code site} as it is). */
  SiteConfig over(SiteConfig site) {
    return site.withLogFormat(format);
  }
}
