package io.trailcast.ingest.parse;

/** Client address checks for X-Forwarded-For chains: which hop is the visitor. */
final class Addresses {
  private Addresses() {
  }

  static boolean isIpv4(String s) {
    int parts = 0;
    int value = -1;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '.') {
        if (value < 0) {
          return false;
        }
        parts++;
        value = -1;
      } else if (c >= '0' && c <= '9') {
        value = (value < 0 ? 0 : value * 10) + (c - '0');
        if (value > 255) {
          return false;
        }
      } else {
        return false;
      }
    }
    return parts == 3 && value >= 0;
  }

  /** RFC 4291 text form: up to 8 groups of 1-4 hex digits, one "::" at most, an IPv4 tail allowed. */
  static boolean isIpv6(String s) {
    if (s.length() < 2 || s.indexOf(':') < 0) {
      return false;
    }
    int doubleColon = s.indexOf("::");
    if (doubleColon >= 0 && s.indexOf("::", doubleColon + 1) >= 0) {
      return false;
    }
    String[] groups = s.split(":", -1);
    int count = 0;
    for (int i = 0; i < groups.length; i++) {
      String group = groups[i];
      if (group.isEmpty()) {
        continue;
      }
      if (i == groups.length - 1 && group.indexOf('.') >= 0) {
        if (!isIpv4(group)) {
          return false;
        }
        count += 2;
        continue;
      }
      if (group.length() > 4) {
        return false;
      }
      for (int k = 0; k < group.length(); k++) {
        if (Character.digit(group.charAt(k), 16) < 0) {
          return false;
        }
      }
      count++;
    }
    return doubleColon >= 0 ? count <= 7 : count == 8 && groups.length == (s.indexOf('.') >= 0 ? 7 : 8);
  }

  static boolean isIp(String s) {
    return isIpv4(s) || isIpv6(s);
  }

  /** A host name as a client (RFC 1123 characters), as Apache logs when HostnameLookups is on. */
  static boolean isHostName(String s) {
    if (s.isEmpty() || s.length() > 253) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!(Character.isLetterOrDigit(c) || c == '-' || c == '.' || c == '_')) {
        return false;
      }
    }
    return true;
  }

  /** Private, loopback or link-local: a proxy hop, not the visitor. */
  static boolean isPrivate(String ip) {
    if (isIpv4(ip)) {
      String[] p = ip.split("\\.");
      int a = Integer.parseInt(p[0]);
      int b = Integer.parseInt(p[1]);
      return a == 10 || a == 127 || (a == 172 && b >= 16 && b <= 31) || (a == 192 && b == 168)
          || (a == 169 && b == 254) || (a == 100 && b >= 64 && b <= 127);
    }
    String lower = ip.toLowerCase(java.util.Locale.ROOT);
    return lower.equals("::1") || lower.startsWith("fc") || lower.startsWith("fd") || lower.startsWith("fe80");
  }
}
