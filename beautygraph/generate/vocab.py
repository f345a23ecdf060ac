"""The generator's topic vocabulary, noise tags and bio fragments.

Each topic has a short slug (its ``topic_id``), a display name, aliases (abbreviations such
as "l.a. lakers", hashtags, common variants — ALF §4.1, Table 2), one of the 34 BabelNet
domains (``scoring/domains.py``; interest-profiling §3) and tag words that map to the topic
or its domain. Topics are listed from most to least popular (the generator assigns a Zipf
popularity by position). Aliases are unique across topics and never occur in the noise
fragments (tested), so a bio matcher's precision can be measured against the truth.
"""

from __future__ import annotations

from dataclasses import dataclass

from kernel.vocabulary import BABELNET_DOMAINS

SPORT = "Sport and recreation"
ART = "Art, architecture, and archaeology"
FOOD = "Food and drink"
MUSIC = "Music"
HEALTH = "Health and medicine"
ANIMALS = "Animals"
TRAVEL = "Transport and travel"
LIT = "Literature and theatre"


@dataclass(frozen=True)
class TopicSpec:
    """One topic of the vocabulary."""

    id: str
    name: str
    aliases: tuple[str, ...]
    domain: str
    words: tuple[str, ...]


def _t(tid: str, name: str, aliases: str, domain: str, words: str) -> TopicSpec:
    return TopicSpec(
        tid,
        name,
        tuple(a.strip() for a in aliases.split(",")),
        domain,
        tuple(w.strip() for w in words.split(",")),
    )


TOPICS: tuple[TopicSpec, ...] = (
    _t(
        "travel",
        "travel",
        "wanderlust, #travel, traveler, backpacking",
        TRAVEL,
        "travel, trip, vacation, journey, airport",
    ),
    _t(
        "fashion",
        "fashion",
        "#fashion, ootd, streetstyle",
        "Textile and clothing",
        "fashion, outfit, dress, style, clothing",
    ),
    _t(
        "fitness",
        "fitness",
        "gym, #fitness, workout, crossfit",
        HEALTH,
        "fitness, gym, workout, muscle, training",
    ),
    _t(
        "cooking",
        "cooking",
        "home cooking, #cooking, foodie",
        FOOD,
        "cooking, food, recipe, dinner, kitchen",
    ),
    _t(
        "photography",
        "photography",
        "#photography, photographer, photog",
        ART,
        "photography, lens, camera, portrait, bokeh",
    ),
    _t(
        "dogs",
        "dogs",
        "#dogs, dog lover, doggo, puppy love",
        ANIMALS,
        "dog, puppy, doggo, pet, leash",
    ),
    _t(
        "basketball",
        "basketball",
        "#basketball, hoops, bball, nba",
        SPORT,
        "basketball, hoops, dunk, court, nba",
    ),
    _t(
        "soccer",
        "soccer",
        "#soccer, futbol, fútbol, football club",
        SPORT,
        "soccer, futbol, pitch, stadium, goalkeeper",
    ),
    _t(
        "music-festivals",
        "music festivals",
        "#festival, festival season, coachella",
        MUSIC,
        "festival, concert, stage, crowd, coachella",
    ),
    _t(
        "coffee",
        "coffee",
        "#coffee, espresso, latte art",
        FOOD,
        "coffee, espresso, latte, cafe, barista",
    ),
    _t("cats", "cats", "#cats, cat lady, kitty", ANIMALS, "cat, kitten, kitty, whiskers, meow"),
    _t(
        "hiking",
        "hiking",
        "#hiking, trekking, hiker",
        SPORT,
        "hiking, trail, mountain, summit, backpack",
    ),
    _t(
        "gaming",
        "video games",
        "gamer, #gaming, esports, videogames",
        "Games and video games",
        "gaming, gamer, console, esports, controller",
    ),
    _t(
        "books",
        "books",
        "bookworm, #books, bookstagram",
        LIT,
        "books, novel, library, reading, bookshelf",
    ),
    _t(
        "cars", "cars", "#cars, petrolhead, car guy", TRAVEL, "car, engine, supercar, wheels, drive"
    ),
    _t(
        "lakers",
        "los angeles lakers",
        "l.a. lakers, la lakers, lakers, #lakeshow",
        SPORT,
        "lakers, lakeshow, purpleandgold, nba, court",
    ),
    _t(
        "film",
        "film",
        "movies, cinema, #film, filmmaker",
        "Media",
        "film, cinema, movie, director, premiere",
    ),
    _t(
        "painting",
        "painting",
        "#painting, painter, watercolor, oil painting",
        ART,
        "painting, canvas, brush, watercolor, paint",
    ),
    _t(
        "architecture",
        "architecture",
        "#architecture, architect, archidaily",
        ART,
        "architecture, building, facade, skyscraper, bridge",
    ),
    _t(
        "hiphop", "hip hop", "hip-hop, #hiphop, rap music", MUSIC, "hiphop, rap, mic, beats, cypher"
    ),
    _t("yoga", "yoga", "#yoga, yogi, namaste", HEALTH, "yoga, mat, asana, stretch, pose"),
    _t("wine", "wine", "#wine, vino, sommelier", FOOD, "wine, vineyard, grapes, winery, glass"),
    _t(
        "surfing",
        "surfing",
        "#surfing, surfer, surf life",
        SPORT,
        "surf, surfing, wave, surfboard, beach",
    ),
    _t(
        "baking", "baking", "#baking, baker, pastry chef", FOOD, "baking, bread, cake, pastry, oven"
    ),
    _t(
        "running",
        "running",
        "#running, marathon, runner",
        SPORT,
        "running, marathon, race, sneakers, track",
    ),
    _t(
        "gardening",
        "gardening",
        "#gardening, gardener, green thumb",
        "Farming",
        "garden, flowers, plants, seeds, greenhouse",
    ),
    _t(
        "programming",
        "programming",
        "coding, #programming, software engineer, #code",
        "Computing",
        "code, laptop, software, programming, computer",
    ),
    _t(
        "streetart",
        "street art",
        "graffiti, #streetart, murals",
        ART,
        "graffiti, mural, spraypaint, wall, streetart",
    ),
    _t(
        "tennis",
        "tennis",
        "#tennis, atp tour, wimbledon",
        SPORT,
        "tennis, racket, wimbledon, serve, court",
    ),
    _t(
        "astronomy",
        "astronomy",
        "astrophotography, #astronomy, stargazing",
        "Physics and astronomy",
        "stars, galaxy, telescope, moon, nightsky",
    ),
    _t(
        "cycling",
        "cycling",
        "#cycling, cyclist, road bike",
        SPORT,
        "cycling, bicycle, bike, peloton, saddle",
    ),
    _t("jazz", "jazz", "#jazz, bebop, jazz music", MUSIC, "jazz, saxophone, trumpet, club, bebop"),
    _t(
        "piano",
        "piano",
        "pianist, #piano, grand piano",
        MUSIC,
        "piano, keys, pianist, concert, sheetmusic",
    ),
    _t(
        "vegan",
        "vegan",
        "#vegan, plant based, veganism",
        FOOD,
        "vegan, salad, plantbased, vegetables, tofu",
    ),
    _t(
        "birds",
        "birdwatching",
        "birding, #birds, birder",
        ANIMALS,
        "bird, birds, feathers, wings, binoculars",
    ),
    _t(
        "fishing",
        "fishing",
        "#fishing, fly fishing, angler",
        SPORT,
        "fishing, fish, rod, lake, catch",
    ),
    _t(
        "horses",
        "horses",
        "equestrian, #horses, horse riding",
        ANIMALS,
        "horse, pony, saddle, stable, equestrian",
    ),
    _t(
        "aviation",
        "aviation",
        "planespotting, #aviation, avgeek",
        TRAVEL,
        "airplane, aircraft, runway, jet, cockpit",
    ),
    _t(
        "baseball",
        "baseball",
        "#baseball, mlb, ballpark life",
        SPORT,
        "baseball, bat, pitcher, ballpark, mlb",
    ),
    _t(
        "chess",
        "chess",
        "#chess, chess player, grandmaster",
        "Games and video games",
        "chess, chessboard, checkmate, pawn, knight",
    ),
    _t(
        "violin",
        "violin",
        "violinist, #violin, fiddle",
        MUSIC,
        "violin, strings, bow, orchestra, fiddle",
    ),
    _t(
        "hunting",
        "hunting",
        "#hunting, hunter, deer season",
        SPORT,
        "hunting, deer, rifle, woods, camo",
    ),
    _t(
        "theatre",
        "theatre",
        "theater, #theatre, broadway",
        LIT,
        "theatre, stage, actor, broadway, curtain",
    ),
    _t("poetry", "poetry", "poet, #poetry, spoken word", LIT, "poetry, poem, verse, ink, notebook"),
    _t(
        "knitting",
        "knitting",
        "#knitting, knitter, crochet",
        "Textile and clothing",
        "knitting, yarn, wool, crochet, sweater",
    ),
    _t(
        "history",
        "history",
        "history buff, #history, ancient history",
        "History",
        "history, ruins, museum, castle, ancient",
    ),
    _t(
        "finance",
        "finance",
        "investing, #finance, stock market",
        "Business, economics, and finance",
        "finance, stocks, money, investing, market",
    ),
    _t(
        "politics",
        "politics",
        "#politics, activist, policy wonk",
        "Politics and government",
        "politics, vote, election, parliament, protest",
    ),
    _t(
        "meditation",
        "meditation",
        "mindfulness, #meditation, zen",
        "Philosophy and psychology",
        "meditation, mindfulness, calm, zen, breathe",
    ),
    _t(
        "weather",
        "storm chasing",
        "storm chaser, #weather, stormchasing",
        "Meteorology",
        "storm, lightning, clouds, tornado, weather",
    ),
    _t(
        "geology",
        "geology",
        "#geology, geologist, volcanoes",
        "Geology and geophysics",
        "geology, rocks, volcano, canyon, fossil",
    ),
    _t(
        "biology",
        "marine biology",
        "marine biologist, #marinebiology, biologist",
        "Biology",
        "ocean, coral, reef, biology, plankton",
    ),
    _t(
        "medicine",
        "medicine",
        "nurse life, #medicine, medschool",
        HEALTH,
        "medicine, hospital, nurse, stethoscope, clinic",
    ),
    _t(
        "education",
        "education",
        "teaching, #education, edtech",
        "Education",
        "school, classroom, teacher, education, chalkboard",
    ),
    _t(
        "languages",
        "language learning",
        "polyglot, #languages, linguistics",
        "Language and linguistics",
        "languages, dictionary, grammar, words, polyglot",
    ),
    _t(
        "truecrime",
        "true crime",
        "#truecrime, true crime podcast, criminology",
        "Law and crime",
        "crime, detective, mystery, court, evidence",
    ),
    _t(
        "math",
        "mathematics",
        "math, #math, maths",
        "Mathematics",
        "math, equations, geometry, numbers, calculus",
    ),
    _t(
        "chemistry",
        "chemistry",
        "#chemistry, chemist, mineralogy",
        "Chemistry and mineralogy",
        "chemistry, lab, crystals, minerals, molecule",
    ),
    _t(
        "mythology",
        "mythology",
        "greek myths, #mythology, folklore",
        "Religion, mysticism and mythology",
        "mythology, myth, temple, legend, gods",
    ),
    _t(
        "royals",
        "royal family",
        "#royals, royal watcher, royalty",
        "Royalty and nobility",
        "royal, crown, palace, queen, king",
    ),
    _t(
        "coins",
        "coin collecting",
        "numismatics, #coins, numismatist",
        "Numismatics and currencies",
        "coins, coin, silver, gold, mint",
    ),
    _t(
        "military",
        "military history",
        "#military, veteran, militaria",
        "Warfare and defense",
        "military, tank, army, soldier, uniform",
    ),
    _t(
        "flags",
        "vexillology",
        "#flags, heraldry, flag collector",
        "Heraldry, honors, and vexillology",
        "flag, flags, banner, coatofarms, crest",
    ),
    _t(
        "engineering",
        "engineering",
        "#engineering, engineer, robotics",
        "Engineering and technology",
        "engineering, robot, machine, gears, circuit",
    ),
    _t(
        "urbex",
        "urban exploration",
        "urbex, #urbex, abandoned places",
        "Geography and places",
        "abandoned, urbex, ruins, city, map",
    ),
    _t(
        "media",
        "podcasting",
        "podcaster, #podcast, podcasts",
        "Media",
        "podcast, microphone, episode, studio, radio",
    ),
    _t(
        "culture",
        "anthropology",
        "#anthropology, anthropologist, ethnography",
        "Culture and society",
        "culture, tradition, community, festival, people",
    ),
)

#: generic hashtags that carry no topic (ALF §3.2, Table 1).
NOISE_TAGS: tuple[str, ...] = (
    "tbt",
    "love",
    "instagood",
    "photooftheday",
    "nikon",
    "canon",
    "sony",
    "iphone",
    "picoftheday",
    "happy",
    "like4like",
    "potd",
    "wcw",
    "family",
    "friends",
    "weekend",
    "summer",
    "nofilter",
    "vsco",
    "follow4follow",
    "tagsforlikes",
    "bff",
    "instadaily",
    "bw",
    "mood",
    "fujifilm",
    "35mm",
    "sunday",
    "2024",
    "tagsforlike",
)

#: bio fragments without any topic alias (free-text noise of ALF §3.2).
BIO_NOISE: tuple[str, ...] = (
    "dad of two",
    "mom of 3",
    "she/her",
    "he/him",
    "they/them",
    "living my best life",
    "just vibes",
    "dreamer",
    "ENFP",
    "views are my own",
    "no DMs please",
    "est. 1992",
    "happily married",
    "Lisbon based",
    "NYC",
    "Berlin ↔ Paris",
    "carpe diem",
    "be kind",
    "sarcasm included",
    "night owl",
    "amateur",
    "uni student",
    "grandpa",
    "link below",
    "always smiling",
    "not a morning person",
    "somewhere in between",
    "slow living",
    "work hard",
    "😊",
    "✨",
    "🌍",
    "📸",
    "❤️",
    "🔥",
    "🙏",
    "🇧🇷",
    "🇮🇹",
    "🌸",
    "~",
    "|",
    "•",
)

#: phrases around a mention; ``{}`` is replaced by the topic surface form.
BIO_TEMPLATES: tuple[str, ...] = (
    "{}",
    "big fan of {}",
    "love {}",
    "{} addict",
    "{} enthusiast",
    "into {}",
    "obsessed with {}",
    "{} lover",
    "weekend {}",
    "{} all day",
    "{}!!",
    "#{}",
)

#: emoji appended to mentions of a domain (decoration, never a topic signal on its own).
DOMAIN_EMOJI: dict[str, str] = {
    SPORT: "🏀",
    FOOD: "🍕",
    MUSIC: "🎵",
    ANIMALS: "🐾",
    ART: "🎨",
    TRAVEL: "✈️",
    HEALTH: "💪",
    LIT: "📚",
}


def check_vocabulary() -> None:
    """Raise ``ValueError`` when ids/aliases collide or a domain is not a BabelNet domain."""
    seen: dict[str, str] = {}
    for t in TOPICS:
        if t.domain not in BABELNET_DOMAINS:
            raise ValueError(f"topic {t.id!r}: unknown domain {t.domain!r}")
        for form in (t.name, *t.aliases):
            key = normalise(form)
            if key in seen and seen[key] != t.id:
                raise ValueError(f"alias {form!r} of {t.id!r} collides with {seen[key]!r}")
            seen[key] = t.id
    ids = [t.id for t in TOPICS]
    if len(set(ids)) != len(ids):
        raise ValueError("duplicate topic ids")


def normalise(text: str) -> str:
    """Lower-case, drop ``#`` and everything that is not a letter or digit."""
    return "".join(ch for ch in text.lower() if ch.isalnum())
