package io.trailcast.simulator;

import java.util.ArrayList;
import java.util.List;

/** A simulated visitor (or bot), with the latent state that drives their traffic. */
final class Person {
  enum Type { HUMAN, CRAWLER, HEADLESS }

  final int index;
  final String id;
  final Type type;
  final List<Device> devices = new ArrayList<>();
  final double[] interests;
  final double[] interestSum;
  final double visitsPerDay;
  String email;
  String crmId;
  /** Login per device index (position in {@link #devices}), null when signed out. */
  final String[] loginByDevice = new String[3];
  /** How this person types their email on each device (case variants happen). */
  final String[] typedEmail = new String[3];
  long lastVisitEnd = Long.MIN_VALUE;
  /** This person's own random stream: their traffic does not depend on anybody else's. */
  java.util.SplittableRandom random;
  /** Planned visit starts of the current day, in order. */
  final java.util.ArrayDeque<Long> plannedStarts = new java.util.ArrayDeque<>();
  int plannedDay = -1;
  int interestDays;
  final long[] themePageviews;
  /** Article pageviews per theme on each day (index from the first simulated day). */
  final java.util.TreeMap<Integer, long[]> dayThemePageviews = new java.util.TreeMap<>();
  final java.util.BitSet activeDays = new java.util.BitSet();

  Person(int index, String id, Type type, double[] interests, double visitsPerDay) {
    this.index = index;
    this.id = id;
    this.type = type;
    this.interests = interests;
    this.interestSum = new double[interests.length];
    this.themePageviews = new long[interests.length];
    this.visitsPerDay = visitsPerDay;
  }

  int topInterest() {
    int top = 0;
    for (int i = 1; i < interests.length; i++) {
      if (interests[i] > interests[top]) {
        top = i;
      }
    }
    return top;
  }

  /** Mean latent interest per theme over the simulated days. */
  double meanInterest(int theme) {
    return interestDays == 0 ? interests[theme] : interestSum[theme] / interestDays;
  }
}
