package io.trailcast.simulator;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The simulated site: a magazine with a shop, whose article URLs carry words of their theme in
 * English, French or Spanish ({@code /musique/concert-rihanna-paris-4821}), plus service pages,
 * site search and assets. Deterministic for a seed.
 */
public final class SiteCatalog {
  public static final String HOST = "www.trailmag.com";
  public static final String SEARCH_PATH = "/search";
  public static final String LOGIN_PATH = "/account/login";
  public static final String LOGOUT_PATH = "/account/logout";
  public static final List<String> CONVERSION_PATHS = List.of("/registration/ok", "/checkout/confirm");

  /** A theme: its section name and words per language. */
  public record Theme(String name, Map<String, String> sections, Map<String, List<String>> words) {
  }

  /** An article page. */
  public record Page(String path, String theme, String language) {
    public String url() {
      return HOST + path;
    }
  }

  public static final List<Theme> THEMES = List.of(
      new Theme("music",
          Map.of("en", "music", "fr", "musique", "es", "musica"),
          Map.of("en", List.of("concert", "album", "song", "band", "festival", "singer", "guitar", "tour", "jazz",
                  "rock", "playlist", "lyrics"),
              "fr", List.of("concert", "chanson", "album", "groupe", "chanteuse", "guitare", "tournee", "musique",
                  "rap", "festival", "disque", "paroles"),
              "es", List.of("concierto", "cancion", "disco", "banda", "cantante", "gira", "festival", "guitarra"))),
      new Theme("sport",
          Map.of("en", "sport", "fr", "sport", "es", "deportes"),
          Map.of("en", List.of("football", "transfer", "match", "tennis", "league", "goal", "coach", "stadium",
                  "cycling", "marathon", "olympics", "score"),
              "fr", List.of("football", "match", "tennis", "championnat", "entraineur", "stade", "cyclisme",
                  "but", "equipe", "joueur", "coupe", "victoire"),
              "es", List.of("futbol", "partido", "liga", "gol", "equipo", "jugador", "estadio", "tenis"))),
      new Theme("cooking",
          Map.of("en", "recipes", "fr", "cuisine", "es", "cocina"),
          Map.of("en", List.of("recipe", "chocolate", "cake", "pasta", "vegetarian", "soup", "bread", "baking",
                  "dessert", "salad", "chicken", "kitchen"),
              "fr", List.of("recette", "gateau", "chocolat", "tarte", "soupe", "pain", "dessert", "poulet",
                  "legumes", "fromage", "cuisine", "patisserie"),
              "es", List.of("receta", "pastel", "sopa", "pan", "pollo", "postre", "ensalada", "cocina"))),
      new Theme("travel",
          Map.of("en", "travel", "fr", "voyage", "es", "viajes"),
          Map.of("en", List.of("travel", "hotel", "beach", "flight", "island", "hiking", "city", "guide",
                  "weekend", "mountain", "museum", "trip"),
              "fr", List.of("voyage", "hotel", "plage", "vol", "ile", "randonnee", "ville", "montagne", "musee",
                  "vacances", "sejour", "guide"),
              "es", List.of("viaje", "hotel", "playa", "vuelo", "isla", "montana", "ciudad", "vacaciones"))),
      new Theme("technology",
          Map.of("en", "tech", "fr", "tech", "es", "tecnologia"),
          Map.of("en", List.of("smartphone", "laptop", "software", "review", "android", "camera", "battery",
                  "computer", "app", "chip", "security", "update"),
              "fr", List.of("smartphone", "ordinateur", "logiciel", "test", "batterie", "appareil", "securite",
                  "application", "ecran", "processeur", "mise", "jour"),
              "es", List.of("movil", "ordenador", "programa", "bateria", "camara", "pantalla", "seguridad",
                  "aplicacion"))),
      new Theme("finance",
          Map.of("en", "money", "fr", "argent", "es", "dinero"),
          Map.of("en", List.of("bank", "savings", "mortgage", "stock", "market", "investing", "tax", "loan",
                  "pension", "budget", "inflation", "credit"),
              "fr", List.of("banque", "epargne", "credit", "bourse", "impots", "retraite", "budget", "placement",
                  "immobilier", "taux", "assurance", "pret"),
              "es", List.of("banco", "ahorro", "hipoteca", "bolsa", "impuestos", "prestamo", "inversion",
                  "pension"))),
      new Theme("fashion",
          Map.of("en", "style", "fr", "mode", "es", "moda"),
          Map.of("en", List.of("fashion", "dress", "shoes", "jacket", "style", "designer", "trend", "runway",
                  "jeans", "beauty", "makeup", "collection"),
              "fr", List.of("mode", "robe", "chaussures", "veste", "tendance", "defile", "createur", "beaute",
                  "maquillage", "collection", "sac", "jupe"),
              "es", List.of("moda", "vestido", "zapatos", "chaqueta", "tendencia", "desfile", "belleza",
                  "coleccion"))),
      new Theme("cinema",
          Map.of("en", "movies", "fr", "cinema", "es", "cine"),
          Map.of("en", List.of("movie", "film", "actor", "trailer", "director", "series", "oscar", "premiere",
                  "sequel", "streaming", "review", "cast"),
              "fr", List.of("film", "cinema", "acteur", "actrice", "realisateur", "serie", "bande", "annonce",
                  "cesar", "sortie", "critique", "festival"),
              "es", List.of("pelicula", "cine", "actor", "director", "serie", "estreno", "trailer", "critica"))));

  /** Service pages: not themed, never a landing of a campaign. */
  public static final List<String> SERVICE_PATHS = List.of("/", "/about", "/contact", "/pricing", "/newsletter");
  static final List<String> ASSETS = List.of("/static/app.css", "/static/app.js", "/static/vendor.js",
      "/favicon.ico", "/fonts/inter.woff2");
  static final List<String> NAMES = List.of("paris", "london", "madrid", "rihanna", "messi", "lyon", "berlin",
      "summer", "winter", "new", "best", "top", "guide", "nadal", "adele", "tokyo");

  private final List<List<Page>> pagesByTheme = new ArrayList<>();

  public SiteCatalog(long seed, int pagesPerTheme) {
    SplittableRandom random = new SplittableRandom(seed ^ 0x5eed_ca7a_109L);
    for (Theme theme : THEMES) {
      List<Page> pages = new ArrayList<>();
      for (int i = 0; i < pagesPerTheme; i++) {
        String language = i % 3 == 0 ? "fr" : i % 5 == 1 ? "es" : "en";
        List<String> words = theme.words().get(language);
        String slug = words.get(random.nextInt(words.size())) + "-" + words.get(random.nextInt(words.size())) + "-"
            + NAMES.get(random.nextInt(NAMES.size())) + "-" + (1000 + random.nextInt(9000));
        pages.add(new Page("/" + theme.sections().get(language) + "/" + slug, theme.name(), language));
      }
      pagesByTheme.add(pages);
    }
  }

  public List<Page> pages(int theme) {
    return pagesByTheme.get(theme);
  }

  /** Every article page, theme by theme. */
  public List<Page> allPages() {
    List<Page> all = new ArrayList<>();
    pagesByTheme.forEach(all::addAll);
    return all;
  }

  /**
   * The probability that a search for {@code query} gets a result click: fixed per query (a hash of
   * it), between 0.15 and 0.85, so the true CTR of every query is known.
   */
  public static double clickProbability(String query) {
    int h = query.hashCode() & 0x7fffffff;
    return 0.15 + 0.70 * ((h % 1000) / 999.0);
  }
}
