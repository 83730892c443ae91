package io.trailcast.simulator;

/**
 * A browser of one person (or a bot): what the logs identify a visitor by.
 *
 * @param index global index, stable for a seed
 * @param id {@code d<index>}
 * @param personId the person using it
 * @param ip client address (IPv4 or IPv6), unique with the user agent
 * @param userAgent the browser's user agent
 * @param cookie first-party cookie id (the {@code user} field of JSON events)
 * @param bot whether the device is a bot (crawler or headless browser)
 */
public record Device(int index, String id, String personId, String ip, String userAgent, String cookie,
    boolean bot) {
}
