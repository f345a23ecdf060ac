#!/usr/bin/env python
"""Build the WordNet-derived domain lexicon in ``scoring/data/`` (offline, build time only).

``interest-profiling-from-pictures.txt`` §3 maps every cleaned tag and every CNN label to
one of the 34 BabelNet domains through BabelNet's "key" senses.  BabelNet needs an online
API key, so beautygraph ships an offline stand-in derived from WordNet 3.0 (the noun
inventory BabelNet itself is built on, and the one ImageNet's classes come from):

1. **Synset → domain.**  Walk up a synset's hypernym graph (``@`` and instance ``@i``
   pointers) breadth first.  At each distance the first hit decides:
   (a) the synset is an *anchor* of :data:`ANCHORS` (e.g. ``musical_instrument.n.01`` →
   Music, ``vehicle.n.01`` → Transport and travel);
   (b) the synset carries a WordNet *topic domain* pointer (``;c``) to a topic that is, or
   descends from, an anchor of :data:`TOPIC_ANCHORS` (``sport.n.01`` → Sport and
   recreation, ``medicine.n.02`` → Health and medicine, …).
   Without a hit, the synset's lexicographer file decides (:data:`LEXFILE_DOMAINS`, e.g.
   ``noun.animal`` → Animals, ``noun.food`` → Food and drink); some files map to no domain.
2. **Lemma → domains.**  A word's *key senses* stand in for BabelNet's key meanings: its
   noun senses with the largest SemCor tag count (``cntlist.rev``) when that count is
   positive, else its first noun sense; when the first sense is a proper-noun instance
   (e.g. ``crane`` → Stephen Crane) and the word also has common-noun senses, the first
   common-noun sense is used.  The word's domains are those of its key senses.
   Every lemma of any part of speech is kept (domains may be empty) so that the runtime can
   tell a real word from a misspelling.
3. **ImageNet-1k class → domain.**  ImageNet class ``i`` is the WordNet 3.0 noun synset
   with the ``i``-th smallest wnid (``n`` + 8-digit offset); torchvision lists the class
   names (``_IMAGENET_CATEGORIES``) in that order but not the wnids.  The wnids are derived
   by matching each name to the noun synsets having it as a lemma (spaces → ``_``,
   case-insensitive; torchvision's de-duplicated names such as ``crane bird`` fall back to
   their leading words) and choosing the assignment with the most matched classes whose
   offsets strictly increase with the class index (a longest-increasing-subsequence
   dynamic programme; ties prefer the earlier WordNet sense).  Classes left unmatched get
   the best lemma match whose offset lies strictly between their matched neighbours.
   Result with WordNet 3.0: all 1000 classes matched in increasing order; 113 of them
   had more than one fitting synset, and for 56 of those the sense-rank choice differs
   from the published ILSVRC-2012 synset list, so :data:`WNID_OVERRIDES` pins those
   (e.g. ``cab`` → taxicab, not the driver's compartment).  Every override is validated
   (the synset carries the class name; order stays increasing).

Outputs (version string :data:`VERSION` in each):

* ``scoring/data/lexicon_imagenet.tsv`` — one row per ImageNet class: index, name, wnid,
  synset, lexicographer file, domain, and the rule that decided it (human-checkable).
* ``scoring/data/lexicon_lemmas.json.gz`` — ``{"version", "source", "domains",
  "lemmas": {lemma: [domain index, ...]}, "exceptions": {inflected: [base, ...]}}``.
* ``scoring/data/LICENSE-WORDNET`` — the WordNet 3.0 licence (required on all copies).

Usage::

    apt-get install -y wordnet-base          # WordNet 3.0 in /usr/share/wordnet
    .venv/bin/python scripts/build_lexicon.py [--wordnet-dir /usr/share/wordnet] [--check]

``--check`` rebuilds in memory and fails if the committed files differ (for CI).
"""

from __future__ import annotations

import argparse
import bisect
import gzip
import io
import json
import sys
from collections import Counter, deque
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from beautygraph.vocabulary import BABELNET_DOMAINS  # noqa: E402

#: bump when the rules below change; stored in every output file.
VERSION = "wn30-rules-1"

OUT_DIR = ROOT / "scoring" / "data"

#: lexicographer file number -> name (WordNet ``lexnames(5WN)``).
LEXNAMES = {
    3: "noun.Tops",
    4: "noun.act",
    5: "noun.animal",
    6: "noun.artifact",
    7: "noun.attribute",
    8: "noun.body",
    9: "noun.cognition",
    10: "noun.communication",
    11: "noun.event",
    12: "noun.feeling",
    13: "noun.food",
    14: "noun.group",
    15: "noun.location",
    16: "noun.motive",
    17: "noun.object",
    18: "noun.person",
    19: "noun.phenomenon",
    20: "noun.plant",
    21: "noun.possession",
    22: "noun.process",
    23: "noun.quantity",
    24: "noun.relation",
    25: "noun.shape",
    26: "noun.state",
    27: "noun.substance",
    28: "noun.time",
}

A = "Animals"
ART = "Art, architecture, and archaeology"
BIO = "Biology"
BUS = "Business, economics, and finance"
CHEM = "Chemistry and mineralogy"
COMP = "Computing"
CULT = "Culture and society"
EDU = "Education"
ENG = "Engineering and technology"
FARM = "Farming"
FOOD = "Food and drink"
GAME = "Games and video games"
GEO = "Geography and places"
GEOL = "Geology and geophysics"
HEALTH = "Health and medicine"
HER = "Heraldry, honors, and vexillology"
HIST = "History"
LANG = "Language and linguistics"
LAW = "Law and crime"
LIT = "Literature and theatre"
MATH = "Mathematics"
MEDIA = "Media"
MET = "Meteorology"
MUS = "Music"
NUM = "Numismatics and currencies"
PHIL = "Philosophy and psychology"
PHYS = "Physics and astronomy"
POL = "Politics and government"
REL = "Religion, mysticism and mythology"
ROY = "Royalty and nobility"
SPORT = "Sport and recreation"
TEX = "Textile and clothing"
TRAV = "Transport and travel"
WAR = "Warfare and defense"

#: hypernym anchors (``lemma.n.NN``, WordNet 3.0 sense numbers) -> domain.  The nearest
#: anchor on the hypernym graph wins, so specific anchors override general ones.
ANCHORS: dict[str, str] = {
    # music
    "musical_instrument.n.01": MUS,
    "music.n.01": MUS,
    "musician.n.01": MUS,
    "musician.n.02": MUS,
    "singer.n.01": MUS,
    "song.n.01": MUS,
    "musical_organization.n.01": MUS,
    "sound_recording.n.01": MUS,
    # transport and travel
    "vehicle.n.01": TRAV,
    "conveyance.n.03": TRAV,
    "transport.n.01": TRAV,
    "travel.n.01": TRAV,
    "way.n.06": TRAV,
    "road.n.01": TRAV,
    "bridge.n.01": TRAV,
    "station.n.01": TRAV,
    "airport.n.01": TRAV,
    "traveler.n.01": TRAV,
    "luggage.n.01": TRAV,
    "bag.n.06": TRAV,
    "traffic_light.n.01": TRAV,
    "street_sign.n.01": TRAV,
    "parking_meter.n.01": TRAV,
    "seat_belt.n.01": TRAV,
    "tire.n.01": TRAV,
    "car_wheel.n.01": TRAV,
    "anchor.n.01": TRAV,
    "paddle.n.04": TRAV,
    "navigational_instrument.n.01": TRAV,
    "lighthouse.n.01": TRAV,
    "pier.n.01": TRAV,
    "hotel.n.01": TRAV,
    "tent.n.01": TRAV,
    "map.n.01": TRAV,
    "passenger.n.01": TRAV,
    "driver.n.01": TRAV,
    "sailor.n.01": TRAV,
    "mariner.n.01": TRAV,
    "pilot.n.01": TRAV,
    "licensed_practical_nurse.n.01": HEALTH,
    # sport and recreation
    "sport.n.01": SPORT,
    "athlete.n.01": SPORT,
    "sports_equipment.n.01": SPORT,
    "game_equipment.n.01": SPORT,
    "ball.n.01": SPORT,
    "racket.n.04": SPORT,
    "stadium.n.01": SPORT,
    "gymnasium.n.02": SPORT,
    "swimming_pool.n.01": SPORT,
    "fishing_gear.n.01": SPORT,
    "fishing_rod.n.01": SPORT,
    "reel.n.03": SPORT,
    "sled.n.01": SPORT,
    "ski.n.01": SPORT,
    "skate.n.01": SPORT,
    "surfboard.n.01": SPORT,
    "snorkel.n.01": SPORT,
    "toy.n.03": SPORT,
    "plaything.n.01": SPORT,
    "swing.n.02": SPORT,
    "ride.n.02": SPORT,
    "amusement_park.n.01": SPORT,
    "recreation.n.01": SPORT,
    "parachute.n.01": SPORT,
    "sleeping_bag.n.01": SPORT,
    "backpack.n.01": SPORT,
    "camping.n.01": SPORT,
    "exercise_device.n.01": SPORT,
    "sports_implement.n.01": SPORT,
    "horse_racing.n.01": SPORT,
    "hunting.n.01": SPORT,
    "sport_kite.n.01": SPORT,
    "kite.n.03": SPORT,
    # games
    "game.n.01": GAME,
    "game.n.02": GAME,
    "board_game.n.01": GAME,
    "card_game.n.01": GAME,
    "puzzle.n.02": GAME,
    "gambling.n.01": GAME,
    "chessman.n.01": GAME,
    "playing_card.n.01": GAME,
    "dice.n.01": GAME,
    "die.n.01": GAME,
    "slot.n.07": GAME,
    "video_game.n.01": GAME,
    "player.n.01": GAME,
    "chess.n.02": GAME,
    # textile and clothing
    "clothing.n.01": TEX,
    "garment.n.01": TEX,
    "fabric.n.01": TEX,
    "headdress.n.01": TEX,
    "footwear.n.01": TEX,
    "footwear.n.02": TEX,
    "accessory.n.01": TEX,
    "jewelry.n.01": TEX,
    "bag.n.04": TEX,
    "handbag.n.01": TEX,
    "wallet.n.01": TEX,
    "umbrella.n.01": TEX,
    "sewing_machine.n.01": TEX,
    "loom.n.01": TEX,
    "spinning_wheel.n.01": TEX,
    "knitting_needle.n.01": TEX,
    "needle.n.03": TEX,
    "thread.n.01": TEX,
    "yarn.n.01": TEX,
    "wool.n.01": TEX,
    "clothes_closet.n.01": TEX,
    "button.n.01": TEX,
    "safety_pin.n.01": TEX,
    "hair_slide.n.01": TEX,
    "zipper.n.01": TEX,
    "buckle.n.01": TEX,
    "mask.n.04": TEX,
    "protective_garment.n.01": TEX,
    "armor.n.01": WAR,
    "body_armor.n.01": WAR,
    "sunglasses.n.01": TEX,
    "spectacles.n.01": TEX,
    "fashion.n.03": TEX,
    "tailor.n.01": TEX,
    "textile_machine.n.01": TEX,
    "cosmetic.n.01": TEX,
    "wig.n.01": TEX,
    "hairpiece.n.01": TEX,
    "bathing_cap.n.01": TEX,
    "apparel.n.01": TEX,
    "wear.n.03": TEX,
    "shoe.n.01": TEX,
    "sock.n.01": TEX,
    "hosiery.n.01": TEX,
    "drapery.n.01": TEX,
    "curtain.n.01": TEX,
    "quilt.n.01": TEX,
    "bedclothes.n.01": TEX,
    "rug.n.01": TEX,
    "towel.n.01": TEX,
    # warfare and defense
    "weapon.n.01": WAR,
    "weaponry.n.01": WAR,
    "military_vehicle.n.01": WAR,
    "warship.n.01": WAR,
    "military_unit.n.01": WAR,
    "military_personnel.n.01": WAR,
    "serviceman.n.01": WAR,
    "soldier.n.01": WAR,
    "fortification.n.01": WAR,
    "war.n.01": WAR,
    "military_action.n.01": WAR,
    "ammunition.n.01": WAR,
    "missile.n.01": WAR,
    "projectile.n.01": WAR,
    "gun.n.01": WAR,
    "military_installation.n.01": WAR,
    "shield.n.02": WAR,
    "helmet.n.02": WAR,
    "military_uniform.n.01": WAR,
    "bomb.n.01": WAR,
    "explosive_device.n.01": WAR,
    "tank.n.01": WAR,
    "submarine.n.01": WAR,
    "aircraft_carrier.n.01": WAR,
    "castle.n.02": WAR,
    "bulletproof_vest.n.01": WAR,
    "chain_mail.n.01": WAR,
    "breastplate.n.01": WAR,
    "cuirass.n.01": WAR,
    "warplane.n.01": WAR,
    "military_plane.n.01": WAR,
    "spacecraft.n.01": PHYS,
    "space_shuttle.n.01": PHYS,
    # art, architecture, archaeology
    "building.n.01": ART,
    "structure.n.01": ART,
    "architecture.n.01": ART,
    "work_of_art.n.01": ART,
    "art.n.01": ART,
    "art.n.02": ART,
    "artist.n.01": ART,
    "painting.n.01": ART,
    "sculpture.n.02": ART,
    "statue.n.01": ART,
    "monument.n.01": ART,
    "memorial.n.03": ART,
    "ruin.n.02": ART,
    "column.n.07": ART,
    "arch.n.04": ART,
    "architectural_ornament.n.01": ART,
    "decoration.n.01": ART,
    "mosaic.n.01": ART,
    "pottery.n.01": ART,
    "vase.n.01": ART,
    "photograph.n.01": ART,
    "photography.n.02": ART,
    "drawing.n.02": ART,
    "picture.n.01": ART,
    "graphic_art.n.01": ART,
    "plastic_art.n.01": ART,
    "visual_communication.n.01": ART,
    "archaeology.n.01": ART,
    "architect.n.01": ART,
    "fountain.n.01": ART,
    "obelisk.n.01": ART,
    "totem_pole.n.01": ART,
    "triumphal_arch.n.01": ART,
    "gallery.n.03": ART,
    "museum.n.01": ART,
    "palace.n.01": ROY,
    "mansion.n.02": ART,
    "house.n.01": ART,
    "dwelling.n.01": ART,
    "housing.n.01": ART,
    "place_of_worship.n.01": REL,
    "tower.n.01": ART,
    "skyscraper.n.01": ART,
    "window.n.01": ART,
    "door.n.01": ART,
    "roof.n.01": ART,
    "wall.n.01": ART,
    "stairs.n.01": ART,
    "dome.n.04": ART,
    "fence.n.01": ART,
    "gate.n.01": ART,
    "stained_glass.n.01": ART,
    "brush.n.02": ART,
    "paintbrush.n.01": ART,
    # religion
    "religion.n.01": REL,
    "religion.n.02": REL,
    "church.n.02": REL,
    "church.n.01": REL,
    "temple.n.01": REL,
    "mosque.n.01": REL,
    "shrine.n.01": REL,
    "altar.n.01": REL,
    "clergyman.n.01": REL,
    "religious_person.n.01": REL,
    "spiritual_being.n.01": REL,
    "deity.n.01": REL,
    "mythical_being.n.01": REL,
    "imaginary_being.n.01": REL,
    "religious_ceremony.n.01": REL,
    "rosary.n.01": REL,
    "prayer_rug.n.01": REL,
    "stupa.n.01": REL,
    "cathedral.n.01": REL,
    "chapel.n.01": REL,
    "monastery.n.01": REL,
    "church_tower.n.01": REL,
    "bell_cote.n.01": REL,
    "cross.n.01": REL,
    "vestment.n.01": REL,
    "religious_residence.n.01": REL,
    "bible.n.01": REL,
    "angel.n.01": REL,
    "mythology.n.01": REL,
    "occultism.n.01": REL,
    "magic.n.01": REL,
    # royalty and nobility
    "royalty.n.02": ROY,
    "sovereign.n.01": ROY,
    "aristocrat.n.01": ROY,
    "crown.n.04": ROY,
    "throne.n.01": ROY,
    "castle.n.01": ROY,
    "scepter.n.02": ROY,
    "regalia.n.01": ROY,
    "nobility.n.01": ROY,
    "peer.n.02": ROY,
    "royal_family.n.01": ROY,
    # heraldry
    "flag.n.01": HER,
    "emblem.n.01": HER,
    "heraldry.n.01": HER,
    "coat_of_arms.n.01": HER,
    "decoration.n.02": HER,
    "medal.n.01": HER,
    "award.n.02": HER,
    "trophy.n.02": HER,
    "badge.n.01": HER,
    # numismatics
    "coin.n.01": NUM,
    "money.n.01": NUM,
    "money.n.02": NUM,
    "money.n.03": NUM,
    "currency.n.01": NUM,
    "paper_money.n.01": NUM,
    "monetary_unit.n.01": NUM,
    "numismatics.n.01": NUM,
    "piggy_bank.n.01": NUM,
    "coin_bank.n.01": NUM,
    "cash_machine.n.01": NUM,
    "purse.n.01": TEX,
    # business, economics, finance
    "business.n.01": BUS,
    "business.n.03": BUS,
    "commercial_enterprise.n.02": BUS,
    "shop.n.01": BUS,
    "mercantile_establishment.n.01": BUS,
    "market.n.01": BUS,
    "marketplace.n.01": BUS,
    "bank.n.02": BUS,
    "bank.n.01": GEO,
    "finance.n.01": BUS,
    "businessman.n.01": BUS,
    "capitalist.n.02": BUS,
    "merchant.n.01": BUS,
    "office.n.01": BUS,
    "cash_register.n.01": BUS,
    "price.n.02": BUS,
    "economy.n.01": BUS,
    "commerce.n.01": BUS,
    "advertising.n.01": MEDIA,
    "trade.n.01": BUS,
    "financial_institution.n.01": BUS,
    "workplace.n.01": BUS,
    "possession.n.02": BUS,
    "employee.n.01": BUS,
    "worker.n.01": BUS,
    # computing
    "computer.n.01": COMP,
    "computer_science.n.01": COMP,
    "peripheral.n.01": COMP,
    "electronic_device.n.01": ENG,
    "data_processor.n.01": COMP,
    "web_site.n.01": COMP,
    "computer_keyboard.n.01": COMP,
    "mouse.n.04": COMP,
    "monitor.n.05": COMP,
    "hard_disc.n.01": COMP,
    "software.n.01": COMP,
    "internet.n.01": COMP,
    "computer_network.n.01": COMP,
    "programmer.n.01": COMP,
    "computer_user.n.01": COMP,
    "printer.n.03": COMP,
    "screen.n.01": MEDIA,
    "screen.n.03": COMP,
    "memory_device.n.01": COMP,
    "display.n.06": COMP,
    "computer_screen.n.01": COMP,
    "calculator.n.02": MATH,
    "abacus.n.02": MATH,
    "slide_rule.n.01": MATH,
    # media
    "medium.n.01": MEDIA,
    "mass_medium.n.01": MEDIA,
    "broadcasting.n.02": MEDIA,
    "television.n.01": MEDIA,
    "television.n.02": MEDIA,
    "television_receiver.n.01": MEDIA,
    "radio.n.03": MEDIA,
    "radio_receiver.n.01": MEDIA,
    "radio.n.01": MEDIA,
    "newspaper.n.01": MEDIA,
    "newspaper.n.03": MEDIA,
    "journalism.n.01": MEDIA,
    "journalist.n.01": MEDIA,
    "magazine.n.01": MEDIA,
    "film.n.01": MEDIA,
    "movie.n.01": MEDIA,
    "cinema.n.02": MEDIA,
    "movie_theater.n.01": MEDIA,
    "camera.n.01": MEDIA,
    "photographic_equipment.n.01": MEDIA,
    "projector.n.02": MEDIA,
    "projector.n.01": MEDIA,
    "microphone.n.01": MEDIA,
    "telephone.n.01": MEDIA,
    "telecommunication.n.01": MEDIA,
    "communication.n.02": MEDIA,
    "press.n.02": MEDIA,
    "publication.n.01": MEDIA,
    "photographer.n.01": MEDIA,
    "broadcaster.n.01": MEDIA,
    "tape_player.n.01": MEDIA,
    "cassette_player.n.01": MEDIA,
    "cassette.n.01": MEDIA,
    "audio_system.n.01": MEDIA,
    "loudspeaker.n.01": MEDIA,
    "ipod.n.01": MEDIA,
    "modem.n.01": COMP,
    "web.n.01": COMP,
    "cellular_telephone.n.01": MEDIA,
    "dial_telephone.n.01": MEDIA,
    "pay-phone.n.01": MEDIA,
    "receiver.n.01": MEDIA,
    "television_camera.n.01": MEDIA,
    "reflex_camera.n.01": MEDIA,
    "polaroid_camera.n.01": MEDIA,
    "electronic_equipment.n.01": ENG,
    "record_player.n.01": MEDIA,
    # literature and theatre
    "literature.n.01": LIT,
    "literary_composition.n.01": LIT,
    "writer.n.01": LIT,
    "book.n.01": LIT,
    "book.n.02": LIT,
    "library.n.01": LIT,
    "library.n.02": LIT,
    "theater.n.01": LIT,
    "theater.n.02": LIT,
    "drama.n.01": LIT,
    "actor.n.01": LIT,
    "performer.n.01": LIT,
    "dramatic_composition.n.01": LIT,
    "poem.n.01": LIT,
    "poetry.n.01": LIT,
    "novel.n.01": LIT,
    "fiction.n.01": LIT,
    "stage.n.03": LIT,
    "theater_curtain.n.01": LIT,
    "bookshop.n.01": LIT,
    "bookcase.n.01": LIT,
    "book_jacket.n.01": LIT,
    "comic_book.n.01": LIT,
    "puppet.n.01": LIT,
    "dancing.n.01": LIT,
    "dancer.n.01": LIT,
    "dance.n.01": LIT,
    "circus.n.01": LIT,
    "clown.n.01": LIT,
    "entertainer.n.01": LIT,
    "show.n.03": LIT,
    # language
    "language.n.01": LANG,
    "language.n.02": LANG,
    "word.n.01": LANG,
    "linguist.n.01": LANG,
    "linguistics.n.01": LANG,
    "writing.n.02": LANG,
    "written_communication.n.01": LANG,
    "alphabet.n.01": LANG,
    "letter.n.02": LANG,
    "character.n.08": LANG,
    "script.n.01": LANG,
    "text.n.01": LANG,
    "sign.n.02": LANG,
    "dictionary.n.01": LANG,
    "crossword_puzzle.n.01": GAME,
    "signboard.n.01": LANG,
    # education
    "education.n.01": EDU,
    "education.n.02": EDU,
    "educational_institution.n.01": EDU,
    "school.n.01": EDU,
    "school.n.02": EDU,
    "university.n.01": EDU,
    "college.n.01": EDU,
    "teacher.n.01": EDU,
    "educator.n.01": EDU,
    "student.n.01": EDU,
    "pupil.n.01": EDU,
    "classroom.n.01": EDU,
    "blackboard.n.01": EDU,
    "academic_gown.n.01": EDU,
    "mortarboard.n.02": EDU,
    "schoolbag.n.01": EDU,
    "textbook.n.01": EDU,
    "diploma.n.01": EDU,
    "academic_degree.n.01": EDU,
    "school_bus.n.01": EDU,
    "lesson.n.01": EDU,
    "course.n.01": EDU,
    # politics, law
    "politics.n.01": POL,
    "politics.n.02": POL,
    "government.n.01": POL,
    "politician.n.01": POL,
    "politician.n.02": POL,
    "political_unit.n.01": POL,
    "legislature.n.01": POL,
    "election.n.01": POL,
    "party.n.01": POL,
    "head_of_state.n.01": POL,
    "capitol.n.01": POL,
    "government_building.n.01": POL,
    "diplomat.n.01": POL,
    "law.n.01": LAW,
    "law.n.02": LAW,
    "crime.n.01": LAW,
    "criminal.n.01": LAW,
    "lawyer.n.01": LAW,
    "judge.n.01": LAW,
    "court.n.01": LAW,
    "courthouse.n.02": LAW,
    "prison.n.01": LAW,
    "correctional_institution.n.01": LAW,
    "police.n.01": LAW,
    "policeman.n.01": LAW,
    "police_station.n.01": LAW,
    "handcuff.n.01": LAW,
    "prison_guard.n.01": LAW,
    "jail.n.01": LAW,
    "gallows.n.01": LAW,
    "guillotine.n.02": LAW,
    "legal_document.n.01": LAW,
    "police_van.n.01": LAW,
    "police_dog.n.01": LAW,
    "lie_detector.n.01": LAW,
    "detective.n.01": LAW,
    "thief.n.01": LAW,
    "wrongdoer.n.01": LAW,
    # health and medicine
    "medicine.n.01": HEALTH,
    "medicine.n.02": HEALTH,
    "drug.n.01": HEALTH,
    "medical_instrument.n.01": HEALTH,
    "medical_care.n.01": HEALTH,
    "health_professional.n.01": HEALTH,
    "doctor.n.01": HEALTH,
    "nurse.n.01": HEALTH,
    "hospital.n.01": HEALTH,
    "hospital.n.02": HEALTH,
    "disease.n.01": HEALTH,
    "illness.n.01": HEALTH,
    "pathology.n.02": HEALTH,
    "symptom.n.01": HEALTH,
    "injury.n.01": HEALTH,
    "medical_building.n.01": HEALTH,
    "stethoscope.n.01": HEALTH,
    "syringe.n.01": HEALTH,
    "bandage.n.01": HEALTH,
    "stretcher.n.03": HEALTH,
    "crutch.n.01": HEALTH,
    "wheelchair.n.01": HEALTH,
    "pill_bottle.n.01": HEALTH,
    "medicine_chest.n.01": HEALTH,
    "ambulance.n.01": HEALTH,
    "dentist.n.01": HEALTH,
    "patient.n.01": HEALTH,
    "therapy.n.01": HEALTH,
    "surgery.n.01": HEALTH,
    "hygiene.n.01": HEALTH,
    "toiletry.n.01": HEALTH,
    "pharmacy.n.01": HEALTH,
    "face_mask.n.01": SPORT,
    "oxygen_mask.n.01": HEALTH,
    "respirator.n.01": HEALTH,
    "band_aid.n.01": HEALTH,
    "sunscreen.n.01": HEALTH,
    "lotion.n.01": HEALTH,
    "medical_science.n.01": HEALTH,
    "physical_condition.n.01": HEALTH,
    "body_part.n.01": BIO,
    "external_body_part.n.01": BIO,
    "organ.n.01": BIO,
    # food and drink
    "food.n.01": FOOD,
    "food.n.02": FOOD,
    "beverage.n.01": FOOD,
    "alcohol.n.01": FOOD,
    "foodstuff.n.02": FOOD,
    "dish.n.02": FOOD,
    "meal.n.01": FOOD,
    "restaurant.n.01": FOOD,
    "cook.n.01": FOOD,
    "chef.n.01": FOOD,
    "cooking.n.01": FOOD,
    "kitchen_utensil.n.01": FOOD,
    "kitchen_appliance.n.01": FOOD,
    "cooking_utensil.n.01": FOOD,
    "cookware.n.01": FOOD,
    "tableware.n.01": FOOD,
    "crockery.n.01": FOOD,
    "cutlery.n.02": FOOD,
    "drinking_vessel.n.01": FOOD,
    "glass.n.02": FOOD,
    "cup.n.01": FOOD,
    "mug.n.04": FOOD,
    "bottle.n.01": FOOD,
    "wine_bottle.n.01": FOOD,
    "beer_bottle.n.01": FOOD,
    "pop_bottle.n.01": FOOD,
    "water_bottle.n.01": FOOD,
    "coffeepot.n.01": FOOD,
    "teapot.n.01": FOOD,
    "pitcher.n.02": FOOD,
    "jug.n.01": FOOD,
    "plate.n.04": FOOD,
    "bowl.n.03": FOOD,
    "bowl.n.01": FOOD,
    "tray.n.01": FOOD,
    "kitchen.n.01": FOOD,
    "bakery.n.01": FOOD,
    "bar.n.02": FOOD,
    "cafe.n.01": FOOD,
    "grocery_store.n.01": FOOD,
    "butcher_shop.n.01": FOOD,
    "coffee_maker.n.01": FOOD,
    "espresso_maker.n.01": FOOD,
    "toaster.n.02": FOOD,
    "waffle_iron.n.01": FOOD,
    "microwave.n.02": FOOD,
    "oven.n.01": FOOD,
    "stove.n.01": FOOD,
    "refrigerator.n.01": FOOD,
    "dishwasher.n.01": FOOD,
    "frying_pan.n.01": FOOD,
    "wok.n.01": FOOD,
    "pot.n.01": FOOD,
    "crock_pot.n.01": FOOD,
    "dutch_oven.n.02": FOOD,
    "caldron.n.01": FOOD,
    "saltshaker.n.01": FOOD,
    "corkscrew.n.01": FOOD,
    "can_opener.n.01": FOOD,
    "spatula.n.02": FOOD,
    "ladle.n.01": FOOD,
    "wooden_spoon.n.02": FOOD,
    "plate_rack.n.01": FOOD,
    "cocktail_shaker.n.01": FOOD,
    "menu.n.01": FOOD,
    "eating_utensil.n.01": FOOD,
    "beer_glass.n.01": FOOD,
    "goblet.n.01": FOOD,
    "wine.n.01": FOOD,
    "red_wine.n.01": FOOD,
    "eatery.n.01": FOOD,
    "food_shop.n.01": FOOD,
    "confectionery.n.02": FOOD,
    "mixer.n.04": FOOD,
    "rotisserie.n.02": FOOD,
    "barbecue.n.03": FOOD,
    "grill.n.02": FOOD,
    "picnic.n.01": FOOD,
    "drinker.n.01": FOOD,
    "eater.n.01": FOOD,
    # farming
    "farm.n.01": FARM,
    "agriculture.n.01": FARM,
    "farmer.n.01": FARM,
    "farm_machine.n.01": FARM,
    "harvester.n.02": FARM,
    "tractor.n.01": FARM,
    "plow.n.01": FARM,
    "thresher.n.01": FARM,
    "barn.n.01": FARM,
    "silo.n.01": FARM,
    "stable.n.01": FARM,
    "hayloft.n.01": FARM,
    "farm_building.n.01": FARM,
    "crop.n.01": FARM,
    "livestock.n.01": FARM,
    "cattle.n.01": FARM,
    "poultry.n.01": FARM,
    "poultry.n.02": FARM,
    "greenhouse.n.01": FARM,
    "garden_tool.n.01": FARM,
    "hoe.n.01": FARM,
    "rake.n.03": FARM,
    "pitchfork.n.01": FARM,
    "scythe.n.01": FARM,
    "shovel.n.01": FARM,
    "lawn_mower.n.01": FARM,
    "wheelbarrow.n.01": FARM,
    "grain.n.02": FARM,
    "cereal.n.01": FARM,
    "gardening.n.01": FARM,
    "gardener.n.01": FARM,
    "garden.n.01": FARM,
    "beehive.n.04": FARM,
    "apiary.n.01": FARM,
    "honeycomb.n.01": FARM,
    "cowboy.n.01": FARM,
    "rancher.n.01": FARM,
    "vegetable.n.01": FOOD,
    "vegetable.n.02": FOOD,
    "fruit.n.01": FOOD,
    "edible_fruit.n.01": FOOD,
    "flower.n.01": BIO,
    "flower.n.02": BIO,
    # engineering and technology
    "machine.n.01": ENG,
    "device.n.01": ENG,
    "mechanism.n.05": ENG,
    "mechanical_device.n.01": ENG,
    "tool.n.01": ENG,
    "hand_tool.n.01": ENG,
    "power_tool.n.01": ENG,
    "instrument.n.01": ENG,
    "measuring_instrument.n.01": ENG,
    "engine.n.01": ENG,
    "motor.n.01": ENG,
    "electrical_device.n.01": ENG,
    "engineer.n.01": ENG,
    "engineering.n.02": ENG,
    "technology.n.01": ENG,
    "electronics.n.01": ENG,
    "crane.n.04": ENG,
    "factory.n.01": ENG,
    "plant.n.01": ENG,
    "power_station.n.01": ENG,
    "dam.n.01": ENG,
    "oil_rig.n.01": ENG,
    "drilling_platform.n.01": ENG,
    "radio_telescope.n.01": PHYS,
    "telescope.n.01": PHYS,
    "optical_instrument.n.01": PHYS,
    "microscope.n.01": BIO,
    "lamp.n.01": ENG,
    "lamp.n.02": ENG,
    "lighting.n.02": ENG,
    "source_of_illumination.n.01": ENG,
    "light.n.02": ENG,
    "furniture.n.01": ART,
    "furnishing.n.02": ART,
    "home_appliance.n.01": ENG,
    "appliance.n.02": ENG,
    "clock.n.01": ENG,
    "timepiece.n.01": ENG,
    "watch.n.01": ENG,
    "robot.n.01": ENG,
    # geography and places
    "geographical_area.n.01": GEO,
    "region.n.03": GEO,
    "location.n.01": GEO,
    "city.n.01": GEO,
    "town.n.01": GEO,
    "country.n.02": GEO,
    "state.n.01": GEO,
    "landmass.n.01": GEO,
    "continent.n.01": GEO,
    "island.n.01": GEO,
    "body_of_water.n.01": GEO,
    "geological_formation.n.01": GEO,
    "mountain.n.01": GEO,
    "shore.n.01": GEO,
    "seashore.n.01": GEO,
    "beach.n.01": GEO,
    "valley.n.01": GEO,
    "cliff.n.01": GEO,
    "promontory.n.01": GEO,
    "lake.n.01": GEO,
    "river.n.01": GEO,
    "sea.n.01": GEO,
    "ocean.n.01": GEO,
    "coast.n.01": GEO,
    "forest.n.01": GEO,
    "forest.n.02": GEO,
    "desert.n.01": GEO,
    "park.n.02": GEO,
    "park.n.01": GEO,
    "landscape.n.01": GEO,
    "landscape.n.03": GEO,
    "geographer.n.01": GEO,
    "geography.n.01": GEO,
    "tract.n.01": GEO,
    "land.n.04": GEO,
    "natural_elevation.n.01": GEO,
    "alp.n.01": GEO,
    "coral_reef.n.01": GEO,
    "reef.n.01": GEO,
    "sandbar.n.01": GEO,
    "waterfall.n.01": GEO,
    "spring.n.03": GEO,
    "territory.n.03": GEO,
    "urban_area.n.01": GEO,
    "municipality.n.01": GEO,
    "village.n.02": GEO,
    "street.n.01": GEO,
    "plaza.n.01": GEO,
    "neighborhood.n.01": GEO,
    "resident.n.01": GEO,
    "inhabitant.n.01": GEO,
    "native.n.01": GEO,
    # geology and geophysics
    "volcano.n.01": GEOL,
    "volcano.n.02": GEOL,
    "geyser.n.01": GEOL,
    "geology.n.01": GEOL,
    "geologist.n.01": GEOL,
    "earthquake.n.01": GEOL,
    "rock.n.01": GEOL,
    "rock.n.02": GEOL,
    "glacier.n.01": GEOL,
    "cave.n.01": GEOL,
    "crater.n.01": GEOL,
    "fossil.n.02": GEOL,
    "canyon.n.01": GEOL,
    "ravine.n.01": GEOL,
    "gorge.n.01": GEOL,
    "stone.n.02": GEOL,
    "geophysics.n.01": GEOL,
    "mineral.n.01": CHEM,
    "gem.n.02": CHEM,
    "crystal.n.03": CHEM,
    "seismograph.n.01": GEOL,
    "lava.n.01": GEOL,
    "sand.n.01": GEOL,
    "soil.n.02": GEOL,
    # meteorology
    "weather.n.01": MET,
    "atmospheric_phenomenon.n.01": MET,
    "cloud.n.02": MET,
    "cloud.n.01": MET,
    "precipitation.n.03": MET,
    "rain.n.01": MET,
    "snow.n.02": MET,
    "snow.n.01": MET,
    "storm.n.01": MET,
    "wind.n.01": MET,
    "meteorology.n.01": MET,
    "meteorologist.n.01": MET,
    "barometer.n.01": MET,
    "weathervane.n.01": MET,
    "thermometer.n.01": MET,
    "rainbow.n.01": MET,
    "fog.n.01": MET,
    "fog.n.02": MET,
    "lightning.n.01": MET,
    "lightning.n.02": MET,
    "thunderstorm.n.01": MET,
    "hail.n.01": MET,
    "sky.n.01": MET,
    "sunset.n.01": MET,
    "sunrise.n.01": MET,
    "sunset.n.02": MET,
    "sunrise.n.02": MET,
    "ice.n.01": MET,
    "frost.n.01": MET,
    "climate.n.01": MET,
    "weather_satellite.n.01": MET,
    "season.n.02": MET,
    "winter.n.01": MET,
    "summer.n.01": MET,
    "autumn.n.01": MET,
    "spring.n.01": MET,
    # physics and astronomy
    "physics.n.01": PHYS,
    "astronomy.n.01": PHYS,
    "celestial_body.n.01": PHYS,
    "star.n.01": PHYS,
    "star.n.03": PHYS,
    "planet.n.01": PHYS,
    "moon.n.01": PHYS,
    "moon.n.02": PHYS,
    "moon.n.06": PHYS,
    "sun.n.01": PHYS,
    "galaxy.n.03": PHYS,
    "constellation.n.02": PHYS,
    "comet.n.01": PHYS,
    "nebula.n.03": PHYS,
    "astronaut.n.01": PHYS,
    "astronomer.n.01": PHYS,
    "physicist.n.01": PHYS,
    "outer_space.n.01": PHYS,
    "universe.n.01": PHYS,
    "space_station.n.01": PHYS,
    "observatory.n.01": PHYS,
    "light.n.01": PHYS,
    "energy.n.01": PHYS,
    "physical_phenomenon.n.01": PHYS,
    "electricity.n.01": PHYS,
    "magnet.n.01": PHYS,
    "laser.n.01": PHYS,
    "optics.n.01": PHYS,
    "lens.n.01": PHYS,
    "magnifier.n.01": PHYS,
    "hand_glass.n.02": PHYS,
    "loupe.n.01": PHYS,
    "mirror.n.01": PHYS,
    "prism.n.02": PHYS,
    "eclipse.n.01": PHYS,
    "satellite.n.01": PHYS,
    "satellite.n.03": PHYS,
    "rocket.n.01": PHYS,
    "rocket.n.02": PHYS,
    "space_probe.n.01": PHYS,
    # chemistry and mineralogy
    "chemistry.n.01": CHEM,
    "chemical.n.01": CHEM,
    "chemical_element.n.01": CHEM,
    "chemist.n.01": CHEM,
    "compound.n.02": CHEM,
    "metal.n.01": CHEM,
    "alloy.n.01": CHEM,
    "acid.n.01": CHEM,
    "laboratory.n.01": CHEM,
    "beaker.n.01": CHEM,
    "test_tube.n.01": CHEM,
    "flask.n.01": CHEM,
    "retort.n.02": CHEM,
    "bunsen_burner.n.01": CHEM,
    "mineralogy.n.01": CHEM,
    "jewel.n.01": TEX,
    "gem.n.05": TEX,
    "diamond.n.02": CHEM,
    "crystal.n.01": CHEM,
    "salt.n.01": CHEM,
    "gas.n.02": CHEM,
    # mathematics
    "mathematics.n.01": MATH,
    "mathematician.n.01": MATH,
    "number.n.02": MATH,
    "geometry.n.01": MATH,
    "figure.n.06": MATH,
    "shape.n.02": MATH,
    "plane_figure.n.01": MATH,
    "solid.n.03": MATH,
    "statistics.n.01": MATH,
    "algebra.n.01": MATH,
    "equation.n.01": MATH,
    "fractal.n.01": MATH,
    "ruler.n.02": MATH,
    "protractor.n.01": MATH,
    "compass.n.04": MATH,
    "digit.n.01": MATH,
    "integer.n.01": MATH,
    # philosophy and psychology
    "philosophy.n.01": PHIL,
    "philosophy.n.02": PHIL,
    "philosopher.n.01": PHIL,
    "psychology.n.01": PHIL,
    "psychologist.n.01": PHIL,
    "emotion.n.01": PHIL,
    "feeling.n.01": PHIL,
    "mind.n.01": PHIL,
    "thinking.n.01": PHIL,
    "belief.n.01": PHIL,
    "dream.n.01": PHIL,
    "memory.n.01": PHIL,
    "love.n.01": PHIL,
    "happiness.n.01": PHIL,
    "sadness.n.01": PHIL,
    "fear.n.01": PHIL,
    "solitude.n.01": PHIL,
    "loneliness.n.01": PHIL,
    "freedom.n.01": PHIL,
    "peace.n.01": PHIL,
    "beauty.n.01": PHIL,
    "truth.n.01": PHIL,
    "ethics.n.01": PHIL,
    "morality.n.01": PHIL,
    # history
    "history.n.01": HIST,
    "history.n.02": HIST,
    "historian.n.01": HIST,
    "antiquity.n.02": HIST,
    "antique.n.02": HIST,
    "relic.n.01": HIST,
    "old_world.n.01": HIST,
    "past.n.01": HIST,
    "archeological_site.n.01": HIST,
    "battlefield.n.01": HIST,
    "era.n.01": HIST,
    "middle_ages.n.01": HIST,
    "renaissance.n.02": HIST,
    "megalith.n.01": HIST,
    "pyramid.n.01": HIST,
    "sarcophagus.n.01": HIST,
    "mummy.n.01": HIST,
    "knight.n.01": HIST,
    "knight.n.02": HIST,
    "viking.n.01": HIST,
    "dinosaur.n.01": GEOL,
    # culture and society
    "culture.n.01": CULT,
    "society.n.01": CULT,
    "social_group.n.01": CULT,
    "people.n.01": CULT,
    "family.n.01": CULT,
    "family.n.02": CULT,
    "person.n.01": CULT,
    "friend.n.01": CULT,
    "child.n.01": CULT,
    "child.n.02": CULT,
    "adult.n.01": CULT,
    "woman.n.01": CULT,
    "man.n.01": CULT,
    "girl.n.01": CULT,
    "boy.n.01": CULT,
    "baby.n.01": CULT,
    "relative.n.01": CULT,
    "celebration.n.01": CULT,
    "celebration.n.02": CULT,
    "festival.n.01": CULT,
    "festival.n.02": CULT,
    "holiday.n.01": CULT,
    "wedding.n.01": CULT,
    "wedding.n.03": CULT,
    "ceremony.n.01": CULT,
    "ceremony.n.03": CULT,
    "party.n.02": CULT,
    "social_event.n.01": CULT,
    "tradition.n.01": CULT,
    "custom.n.01": CULT,
    "costume.n.01": CULT,
    "tattoo.n.02": CULT,
    "graffito.n.01": ART,
    "social_gathering.n.01": CULT,
    "community.n.01": CULT,
    "portrait.n.02": ART,
    "portrait.n.01": ART,
    "self-portrait.n.01": ART,
    "social_control.n.01": CULT,
    "pet.n.01": A,
    "christmas.n.01": REL,
    "christmas.n.02": REL,
    "halloween.n.01": CULT,
    "jack-o'-lantern.n.02": CULT,
    "wedding_dress.n.01": CULT,
    "bridegroom.n.01": CULT,
    "bride.n.01": CULT,
    "bride.n.03": CULT,
    "carnival.n.01": CULT,
    "carnival.n.03": CULT,
    "parade.n.01": CULT,
    "parade.n.02": CULT,
    # biology (plants, organisms, body, biology science)
    "organism.n.01": BIO,
    "plant.n.02": BIO,
    "tree.n.01": BIO,
    "fungus.n.01": BIO,
    "biology.n.01": BIO,
    "biologist.n.01": BIO,
    "cell.n.02": BIO,
    "botany.n.02": BIO,
    "microorganism.n.01": BIO,
    "leaf.n.01": BIO,
    "seed.n.01": BIO,
    "plant_organ.n.01": BIO,
    "plant_part.n.01": BIO,
    "mushroom.n.02": BIO,
    "mushroom.n.05": FOOD,
    "bacteria.n.01": BIO,
    "gene.n.01": BIO,
    "nature.n.03": BIO,
    # animals
    "animal.n.01": A,
    "zoo.n.01": A,
    "animal_product.n.01": A,
    "zoologist.n.01": A,
    "aquarium.n.01": A,
    "birdhouse.n.01": A,
    "bird_feeder.n.01": A,
    "kennel.n.01": A,
    "dog_collar.n.01": A,
    "leash.n.01": A,
    "cage.n.01": A,
    "hutch.n.01": A,
    "feather.n.01": A,
    "egg.n.01": A,
    "nest.n.01": A,
    "fur.n.01": A,
    "horn.n.02": A,
    "zoology.n.02": A,
    "fauna.n.01": A,
    "wildlife.n.01": A,
    "bird.n.01": A,
    "fish.n.01": A,
    "insect.n.01": A,
    # class-specific fixes found by reviewing lexicon_imagenet.tsv
    "dock.n.05": TRAV,
    "car_mirror.n.01": TRAV,
    "honeycomb.n.02": A,
    "petri_dish.n.01": BIO,
    "hay.n.01": FARM,
    "bubble.n.01": PHYS,
    "scuba_diver.n.01": SPORT,
    "rapeseed.n.01": FARM,
    "corn.n.02": FARM,
    "toilet_tissue.n.01": HEALTH,
    "scoreboard.n.01": SPORT,
    "vending_machine.n.01": BUS,
    "crash_helmet.n.01": SPORT,
    "football_helmet.n.01": SPORT,
    "potter's_wheel.n.01": ART,
    "coil.n.01": ENG,
    "photography.n.01": ART,
    "exercise.n.01": SPORT,
    "training.n.01": EDU,
    "palace.n.04": ROY,
    "library.n.05": LIT,
}

#: WordNet topic-domain synsets (targets of ``;c`` pointers) -> domain.  A synset whose own
#: or ancestor's topic is (a descendant of) one of these gets the domain.
TOPIC_ANCHORS: dict[str, str] = {
    "music.n.01": MUS,
    "music.n.02": MUS,
    "music.n.04": MUS,
    "opera.n.01": MUS,
    "sport.n.01": SPORT,
    "athletics.n.01": SPORT,
    "skiing.n.01": SPORT,
    "golf.n.01": SPORT,
    "tennis.n.01": SPORT,
    "baseball.n.01": SPORT,
    "football.n.01": SPORT,
    "basketball.n.01": SPORT,
    "boxing.n.01": SPORT,
    "cricket.n.02": SPORT,
    "fencing.n.03": SPORT,
    "gymnastics.n.01": SPORT,
    "rowing.n.01": SPORT,
    "sailing.n.01": TRAV,
    "bowling.n.01": SPORT,
    "wrestling.n.01": SPORT,
    "racing.n.01": SPORT,
    "swimming.n.01": SPORT,
    "hockey.n.01": SPORT,
    "soccer.n.01": SPORT,
    "skating.n.01": SPORT,
    "mountain_climbing.n.01": SPORT,
    "hunt.n.08": SPORT,
    "hunting.n.01": SPORT,
    "angling.n.01": SPORT,
    "fishing.n.01": SPORT,
    "military.n.01": WAR,
    "armed_forces.n.01": WAR,
    "war.n.01": WAR,
    "navy.n.01": WAR,
    "military_science.n.01": WAR,
    "army.n.01": WAR,
    "artillery.n.01": WAR,
    "medicine.n.01": HEALTH,
    "medicine.n.02": HEALTH,
    "surgery.n.01": HEALTH,
    "pathology.n.01": HEALTH,
    "psychiatry.n.01": HEALTH,
    "pharmacology.n.01": HEALTH,
    "dentistry.n.01": HEALTH,
    "obstetrics.n.01": HEALTH,
    "pharmacy.n.02": HEALTH,
    "law.n.01": LAW,
    "law.n.02": LAW,
    "jurisprudence.n.01": LAW,
    "criminal_law.n.01": LAW,
    "crime.n.01": LAW,
    "police.n.01": LAW,
    "politics.n.01": POL,
    "politics.n.02": POL,
    "government.n.01": POL,
    "government.n.02": POL,
    "economics.n.01": BUS,
    "finance.n.01": BUS,
    "commerce.n.01": BUS,
    "business.n.01": BUS,
    "business.n.03": BUS,
    "accounting.n.02": BUS,
    "banking.n.01": BUS,
    "securities_industry.n.01": BUS,
    "stock_market.n.01": BUS,
    "insurance.n.01": BUS,
    "marketing.n.02": BUS,
    "computer_science.n.01": COMP,
    "computing.n.01": COMP,
    "computer.n.01": COMP,
    "information_technology.n.01": COMP,
    "programming.n.02": COMP,
    "chemistry.n.01": CHEM,
    "chemistry.n.02": CHEM,
    "mineralogy.n.01": CHEM,
    "biochemistry.n.01": CHEM,
    "physics.n.01": PHYS,
    "astronomy.n.01": PHYS,
    "optics.n.01": PHYS,
    "nuclear_physics.n.01": PHYS,
    "electronics.n.01": ENG,
    "mechanics.n.01": PHYS,
    "meteorology.n.01": MET,
    "climatology.n.01": MET,
    "geology.n.01": GEOL,
    "geophysics.n.01": GEOL,
    "seismology.n.01": GEOL,
    "paleontology.n.01": GEOL,
    "geography.n.01": GEO,
    "cartography.n.01": GEO,
    "mathematics.n.01": MATH,
    "geometry.n.01": MATH,
    "statistics.n.01": MATH,
    "arithmetic.n.01": MATH,
    "algebra.n.01": MATH,
    "calculus.n.03": MATH,
    "logic.n.01": PHIL,
    "logic.n.02": PHIL,
    "philosophy.n.01": PHIL,
    "psychology.n.01": PHIL,
    "psychoanalysis.n.01": PHIL,
    "ethics.n.01": PHIL,
    "linguistics.n.01": LANG,
    "grammar.n.01": LANG,
    "phonetics.n.01": LANG,
    "phonology.n.01": LANG,
    "rhetoric.n.01": LANG,
    "prosody.n.01": LANG,
    "literature.n.01": LIT,
    "literature.n.02": LIT,
    "theater.n.01": LIT,
    "drama.n.01": LIT,
    "poetry.n.01": LIT,
    "ballet.n.01": LIT,
    "dancing.n.01": LIT,
    "dance.n.01": LIT,
    "art.n.01": ART,
    "art.n.02": ART,
    "architecture.n.01": ART,
    "painting.n.01": ART,
    "painting.n.02": ART,
    "sculpture.n.01": ART,
    "archeology.n.01": ART,
    "photography.n.02": ART,
    "fine_arts.n.01": ART,
    "graphic_art.n.01": ART,
    "religion.n.01": REL,
    "religion.n.02": REL,
    "christianity.n.01": REL,
    "theology.n.01": REL,
    "church.n.01": REL,
    "catholicism.n.01": REL,
    "judaism.n.01": REL,
    "judaism.n.02": REL,
    "islam.n.01": REL,
    "islam.n.02": REL,
    "buddhism.n.01": REL,
    "buddhism.n.02": REL,
    "hinduism.n.01": REL,
    "hinduism.n.02": REL,
    "mythology.n.01": REL,
    "classical_mythology.n.01": REL,
    "occultism.n.01": REL,
    "bible.n.01": REL,
    "heraldry.n.01": HER,
    "royalty.n.02": ROY,
    "numismatics.n.01": NUM,
    "education.n.01": EDU,
    "education.n.02": EDU,
    "pedagogy.n.01": EDU,
    "agriculture.n.01": FARM,
    "farming.n.01": FARM,
    "husbandry.n.01": FARM,
    "gardening.n.01": FARM,
    "horticulture.n.01": FARM,
    "beekeeping.n.01": FARM,
    "cooking.n.01": FOOD,
    "gastronomy.n.01": FOOD,
    "gastronomy.n.02": FOOD,
    "food.n.01": FOOD,
    "baking.n.01": FOOD,
    "biology.n.01": BIO,
    "genetics.n.01": BIO,
    "botany.n.02": BIO,
    "anatomy.n.01": BIO,
    "physiology.n.01": BIO,
    "microbiology.n.01": BIO,
    "cytology.n.01": BIO,
    "embryology.n.01": BIO,
    "ecology.n.01": BIO,
    "neurology.n.01": HEALTH,
    "zoology.n.02": A,
    "ornithology.n.01": A,
    "entomology.n.01": A,
    "ichthyology.n.01": A,
    "mammalogy.n.01": A,
    "herpetology.n.01": A,
    "engineering.n.02": ENG,
    "technology.n.01": ENG,
    "electrical_engineering.n.01": ENG,
    "mechanical_engineering.n.01": ENG,
    "electricity.n.01": ENG,
    "telecommunication.n.01": MEDIA,
    "journalism.n.01": MEDIA,
    "broadcasting.n.02": MEDIA,
    "television.n.01": MEDIA,
    "television.n.02": MEDIA,
    "radio.n.01": MEDIA,
    "film.n.01": MEDIA,
    "cinema.n.02": MEDIA,
    "cinematography.n.01": MEDIA,
    "printing.n.01": MEDIA,
    "publishing.n.01": MEDIA,
    "photography.n.01": MEDIA,
    "navigation.n.01": TRAV,
    "aviation.n.01": TRAV,
    "aviation.n.02": TRAV,
    "transportation.n.02": TRAV,
    "railroad.n.01": TRAV,
    "game.n.01": GAME,
    "card_game.n.01": GAME,
    "chess.n.02": GAME,
    "bridge.n.05": GAME,
    "poker.n.02": GAME,
    "gambling.n.01": GAME,
    "board_game.n.01": GAME,
    "history.n.01": HIST,
    "history.n.02": HIST,
    "sociology.n.01": CULT,
    "anthropology.n.01": CULT,
    "social_science.n.01": CULT,
    "sewing.n.01": TEX,
    "needlework.n.01": TEX,
    "weaving.n.01": TEX,
    "knitting.n.01": TEX,
}

#: lexicographer file -> domain when no anchor decides (None: no domain).
LEXFILE_DOMAINS: dict[str, str | None] = {
    "noun.animal": A,
    "noun.artifact": ENG,
    "noun.body": BIO,
    "noun.communication": LANG,
    "noun.feeling": PHIL,
    "noun.food": FOOD,
    "noun.group": CULT,
    "noun.location": GEO,
    "noun.motive": PHIL,
    "noun.object": GEO,
    "noun.person": CULT,
    "noun.phenomenon": PHYS,
    "noun.plant": BIO,
    "noun.possession": BUS,
    "noun.shape": MATH,
    "noun.substance": CHEM,
}


# -- reading WordNet ------------------------------------------------------------------


@dataclass
class Synset:
    """One WordNet noun synset from ``data.noun``."""

    offset: int
    lexfile: str
    words: list[str]  # as written (case preserved, ``_`` for spaces)
    lex_ids: list[int]
    hypernyms: list[int] = field(default_factory=list)  # @ and @i
    instance_of: list[int] = field(default_factory=list)  # @i only
    topics: list[int] = field(default_factory=list)  # ;c
    gloss: str = ""
    name: str = ""  # lemma.n.NN of its first word


@dataclass
class WordNet:
    """The parts of WordNet 3.0 the lexicon needs."""

    synsets: dict[int, Synset]
    noun_index: dict[str, list[int]]  # lowercase lemma -> offsets in sense order
    all_lemmas: set[str]  # every lemma of every part of speech (lowercase)
    tag_counts: dict[tuple[str, int], int]  # (lemma, offset) -> SemCor tag count
    noun_exceptions: dict[str, list[str]]
    by_name: dict[str, int] = field(default_factory=dict)  # lemma.n.NN -> offset

    def synset(self, name: str) -> Synset:
        try:
            return self.synsets[self.by_name[name]]
        except KeyError:
            raise KeyError(f"no WordNet synset {name!r}") from None


def _data_lines(path: Path):
    with open(path, encoding="latin-1") as fh:
        for line in fh:
            if line.startswith("  "):  # licence header
                continue
            yield line.rstrip("\n")


def read_wordnet(wn_dir: Path) -> WordNet:
    """Parse ``data.noun``, ``index.*``, ``cntlist.rev`` and ``noun.exc`` of WordNet 3.0."""
    wn_dir = Path(wn_dir)
    synsets: dict[int, Synset] = {}
    for line in _data_lines(wn_dir / "data.noun"):
        head, _, gloss = line.partition(" | ")
        f = head.split()
        offset, lexnum = int(f[0]), int(f[1])
        n_words = int(f[3], 16)
        words = f[4 : 4 + 2 * n_words : 2]
        lex_ids = [int(x, 16) for x in f[5 : 5 + 2 * n_words : 2]]
        pos = 4 + 2 * n_words
        n_ptr = int(f[pos])
        ss = Synset(offset, LEXNAMES[lexnum], words, lex_ids, gloss=gloss.strip())
        for k in range(n_ptr):
            sym, target, tpos = f[pos + 1 + 4 * k : pos + 4 + 4 * k]
            if tpos != "n":
                continue
            if sym in ("@", "@i"):
                ss.hypernyms.append(int(target))
                if sym == "@i":
                    ss.instance_of.append(int(target))
            elif sym == ";c":
                ss.topics.append(int(target))
        synsets[offset] = ss

    noun_index: dict[str, list[int]] = {}
    all_lemmas: set[str] = set()
    for pos_name in ("noun", "verb", "adj", "adv"):
        for line in _data_lines(wn_dir / f"index.{pos_name}"):
            f = line.split()
            all_lemmas.add(f[0])
            if pos_name == "noun":
                n_syn = int(f[2])
                noun_index[f[0]] = [int(x) for x in f[-n_syn:]]

    by_name: dict[str, int] = {}
    for lemma, offsets in noun_index.items():
        for k, off in enumerate(offsets, start=1):
            by_name[f"{lemma}.n.{k:02d}"] = off
    for ss in synsets.values():
        first = ss.words[0].lower()
        k = noun_index[first].index(ss.offset) + 1
        ss.name = f"{first}.n.{k:02d}"

    # sense keys lemma%1:LL:II:: -> (lemma, offset) via (lexfile, lex_id) of the lemma
    key_to_offset: dict[tuple[str, int, int], int] = {}
    lexnum_of = {v: k for k, v in LEXNAMES.items()}
    for ss in synsets.values():
        for w, lid in zip(ss.words, ss.lex_ids, strict=True):
            key_to_offset[(w.lower(), lexnum_of[ss.lexfile], lid)] = ss.offset
    tag_counts: dict[tuple[str, int], int] = {}
    for line in _data_lines(wn_dir / "cntlist.rev"):
        key, _, count = line.split()
        lemma, _, rest = key.partition("%")
        parts = rest.split(":")
        if parts[0] != "1":
            continue
        off = key_to_offset.get((lemma, int(parts[1]), int(parts[2])))
        if off is not None:
            tag_counts[(lemma, off)] = int(count)

    exceptions: dict[str, list[str]] = {}
    for line in _data_lines(wn_dir / "noun.exc"):
        f = line.split()
        exceptions[f[0]] = f[1:]
    return WordNet(synsets, noun_index, all_lemmas, tag_counts, exceptions, by_name)


def read_licence(wn_dir: Path) -> str:
    """The licence header that WordNet carries at the top of ``data.noun``."""
    lines = []
    with open(Path(wn_dir) / "data.noun", encoding="latin-1") as fh:
        for line in fh:
            if not line.startswith("  "):
                break
            lines.append(
                line.split(" ", 3)[-1].rstrip()
                if line[2:].split(" ", 1)[0].isdigit()
                else line.strip()
            )
    return "\n".join(lines)


# -- synset -> domain -------------------------------------------------------------------


def _resolve(wn: WordNet, table: dict[str, str | None]) -> dict[int, str | None]:
    out: dict[int, str | None] = {}
    for name, domain in table.items():
        name = name.strip()
        if domain is not None and domain not in BABELNET_DOMAINS:
            raise ValueError(f"rule {name!r} names unknown domain {domain!r}")
        out[wn.synset(name).offset] = domain
    return out


class DomainRules:
    """The rule tables resolved to synset offsets, with a memoised topic lookup."""

    def __init__(self, wn: WordNet) -> None:
        self.wn = wn
        self.anchors = _resolve(wn, ANCHORS)
        self.topic_anchors = _resolve(wn, TOPIC_ANCHORS)
        self._topic_memo: dict[int, str | None] = {}

    def _topic_domain(self, topic: int) -> str | None:
        """Domain of a topic synset: nearest TOPIC_ANCHORS entry on its hypernym graph."""
        if topic in self._topic_memo:
            return self._topic_memo[topic]
        result = None
        for node, _ in self._bfs(topic):
            if node in self.topic_anchors:
                result = self.topic_anchors[node]
                break
        self._topic_memo[topic] = result
        return result

    def _bfs(self, start: int):
        seen = {start}
        queue = deque([(start, 0)])
        while queue:
            node, d = queue.popleft()
            yield node, d
            for h in self.wn.synsets[node].hypernyms:
                if h not in seen:
                    seen.add(h)
                    queue.append((h, d + 1))

    def domain(self, offset: int) -> tuple[str | None, str]:
        """``(domain, rule)`` for a noun synset; rule names the anchor/topic/lexfile used."""
        level: list[int] = []
        cur_d = 0

        def decide(nodes: list[int]) -> tuple[str | None, str] | None:
            for n in nodes:  # (a) anchors first at this distance
                if n in self.anchors:
                    return self.anchors[n], f"anchor:{self.wn.synsets[n].name}"
            for n in nodes:  # (b) then topic-domain pointers
                for t in self.wn.synsets[n].topics:
                    dom = self._topic_domain(t)
                    if dom is not None:
                        return dom, f"topic:{self.wn.synsets[t].name}"
            return None

        for node, d in self._bfs(offset):
            if d != cur_d:
                hit = decide(level)
                if hit is not None:
                    return hit
                level, cur_d = [], d
            level.append(node)
        hit = decide(level)
        if hit is not None:
            return hit
        lexfile = self.wn.synsets[offset].lexfile
        return LEXFILE_DOMAINS.get(lexfile), f"lexfile:{lexfile}"


# -- lemma -> domains -------------------------------------------------------------------


def key_senses(wn: WordNet, lemma: str) -> list[int]:
    """Offsets of the *key senses* of a noun lemma (see the module docstring)."""
    offsets = wn.noun_index.get(lemma, [])
    if not offsets:
        return []
    counts = [wn.tag_counts.get((lemma, o), 0) for o in offsets]
    best = max(counts)
    if best > 0:
        return [o for o, c in zip(offsets, counts, strict=True) if c == best]
    first = wn.synsets[offsets[0]]
    if first.instance_of and first.words[0][:1].isupper():
        for o in offsets:
            if not wn.synsets[o].instance_of:
                return [o]
    return [offsets[0]]


def lemma_domains(wn: WordNet, rules: DomainRules, lemma: str) -> list[str]:
    """Domains of a lemma's key senses, unique, in sense order."""
    out: list[str] = []
    for o in key_senses(wn, lemma):
        dom, _ = rules.domain(o)
        if dom is not None and dom not in out:
            out.append(dom)
    return out


# -- ImageNet wnids -----------------------------------------------------------------------


def _norm(name: str) -> str:
    return name.strip().lower().replace(" ", "_")


def imagenet_candidates(wn: WordNet, name: str) -> list[tuple[int, int]]:
    """``(offset, sense rank)`` candidates for one torchvision class name.

    Exact lemma first; torchvision's de-duplicated names (``crane bird``,
    ``maillot tank suit``) fall back to their leading words.
    """
    key = _norm(name)
    words = key.split("_")
    for n in range(len(words), 0, -1):
        lemma = "_".join(words[:n])
        offs = wn.noun_index.get(lemma)
        if offs:
            return [(o, r) for r, o in enumerate(offs)]
    # a hyphen/space variant ("jack-o'-lantern", "T-shirt")
    alt = key.replace("-", "_")
    offs = wn.noun_index.get(alt) or wn.noun_index.get(key.replace("_", "-"))
    return [(o, r) for r, o in enumerate(offs or [])]


def derive_wnids(wn: WordNet, names: list[str]) -> tuple[list[int | None], list[str]]:
    """Assign a WordNet offset to each class so offsets strictly increase with the index.

    Maximises the number of assigned classes (longest increasing subsequence over the
    candidate pairs, where a class contributes at most one pair), breaking ties towards
    lower sense ranks.  Returns the offsets (None where unassigned) and notes.
    """
    cands = [imagenet_candidates(wn, n) for n in names]
    # DP over (class i, candidate c): best[i][c] = (count, -rank_sum, prev)
    best: list[list[tuple[int, int, tuple[int, int] | None]]] = []
    # sorted frontier of (offset, count, -rank_sum, (i, c)) from previous classes
    frontier_offsets: list[int] = []
    frontier: list[tuple[int, int, tuple[int, int]]] = []  # prefix-best aligned with offsets
    for i, cs in enumerate(cands):
        row = []
        for off, rank in cs:
            k = bisect.bisect_left(frontier_offsets, off)  # entries with offset < off
            if k > 0:
                cnt, rs, ref = frontier[k - 1]
                row.append((cnt + 1, rs - rank, ref))
            else:
                row.append((1, -rank, None))
        best.append(row)
        # insert this class's entries into the frontier (after computing the whole row)
        for c, (off, _rank) in enumerate(cs):
            cnt, rs, _ = row[c]
            k = bisect.bisect_left(frontier_offsets, off)
            frontier_offsets.insert(k, off)
            frontier.insert(k, (cnt, rs, (i, c)))
        # make frontier a running prefix maximum
        run = None
        for k in range(len(frontier)):
            if run is None or frontier[k][:2] > run[:2]:
                run = frontier[k]
            else:
                frontier[k] = run
    # backtrack from the global best
    end = None
    for i, row in enumerate(best):
        for c, v in enumerate(row):
            if end is None or v[:2] > best[end[0]][end[1]][:2]:
                end = (i, c)
    chosen: list[int | None] = [None] * len(names)
    node = end
    while node is not None:
        i, c = node
        chosen[i] = cands[i][c][0]
        node = best[i][c][2]
    notes = []
    # fill gaps: any synset with a matching word whose offset fits between neighbours
    for i, off in enumerate(chosen):
        if off is not None:
            continue
        lo = max((o for o in chosen[:i] if o is not None), default=-1)
        hi = min((o for o in chosen[i + 1 :] if o is not None), default=10**9)
        fits = [o for o, _ in cands[i] if lo < o < hi]
        if fits:
            chosen[i] = fits[0]
            notes.append(f"{i} {names[i]!r}: gap-filled")
        else:
            notes.append(f"{i} {names[i]!r}: unmatched")
    return chosen, notes


#: Classes whose name fits more than one synset between its matched neighbours (113 of
#: the 1000) are resolved by sense rank; where that picks a different synset than the
#: published ILSVRC-2012 synset list (``LOC_synset_mapping.txt`` of the ImageNet
#: localisation challenge), the published wnid is pinned here (56 classes).  Each override
#: must still be a synset carrying the class name and keep the offsets increasing.
WNID_OVERRIDES: dict[int, str] = {
    11: "n01531178",
    55: "n01729977",
    86: "n01807496",
    102: "n01872401",
    107: "n01910747",
    121: "n01981276",
    277: "n02119022",
    398: "n02666196",
    406: "n02699494",
    427: "n02795169",
    446: "n02840245",
    450: "n02860847",
    456: "n02879718",
    458: "n02892201",
    468: "n02930766",
    471: "n02950826",
    476: "n02966193",
    536: "n03216828",
    538: "n03220513",
    576: "n03447447",
    587: "n03481172",
    600: "n03532672",
    606: "n03584829",
    624: "n03661043",
    628: "n03673027",
    636: "n03709823",
    664: "n03782006",
    666: "n03786901",
    667: "n03787032",
    693: "n03873416",
    697: "n03877472",
    698: "n03877845",
    718: "n03933933",
    726: "n03954731",
    738: "n03991062",
    745: "n04009552",
    753: "n04040759",
    754: "n04041544",
    758: "n04067472",
    780: "n04147183",
    782: "n04152593",
    783: "n04153751",
    787: "n04192698",
    800: "n04243546",
    816: "n04277352",
    827: "n04330267",
    830: "n04336792",
    840: "n04367480",
    881: "n04515003",
    884: "n04523525",
    896: "n04553703",
    897: "n04554684",
    902: "n04579432",
    910: "n04597913",
    980: "n09472597",
    987: "n12144580",
}


def imagenet_wnids(wn: WordNet, names: list[str]) -> tuple[list[int], dict]:
    """Offsets of the 1000 classes: derivation + :data:`WNID_OVERRIDES`, validated."""
    chosen, notes = derive_wnids(wn, names)
    for i, wnid in WNID_OVERRIDES.items():
        off = int(wnid[1:])
        if off not in [o for o, _ in imagenet_candidates(wn, names[i])]:
            raise ValueError(f"override {i} {names[i]!r} -> {wnid} is not a synset of that name")
        chosen[i] = off
    if any(o is None for o in chosen):
        raise ValueError(f"unmatched ImageNet classes: {[n for n in notes if 'unmatched' in n]}")
    if any(a >= b for a, b in zip(chosen, chosen[1:], strict=False)):
        raise ValueError("ImageNet offsets are not strictly increasing after overrides")
    ambiguous = 0
    for i in range(len(names)):
        lo = chosen[i - 1] if i else -1
        hi = chosen[i + 1] if i + 1 < len(names) else 10**9
        if sum(lo < o < hi for o, _ in imagenet_candidates(wn, names[i])) > 1:
            ambiguous += 1
    stats = {
        "classes": len(names),
        "matched": sum(o is not None for o in chosen),
        "ambiguous": ambiguous,
        "overridden": len(WNID_OVERRIDES),
        "gap_filled": sum("gap-filled" in n for n in notes),
    }
    return chosen, stats  # type: ignore[return-value]


# -- outputs ------------------------------------------------------------------------------


def imagenet_names() -> list[str]:
    """The 1000 class names in index order (torchvision's list; build time only)."""
    from torchvision.models._meta import _IMAGENET_CATEGORIES

    return list(_IMAGENET_CATEGORIES)


def build(wn_dir: Path) -> dict[str, bytes]:
    """Build every output file in memory: ``{file name: bytes}``."""
    wn = read_wordnet(wn_dir)
    rules = DomainRules(wn)
    names = imagenet_names()
    offsets, stats = imagenet_wnids(wn, names)

    source = "WordNet 3.0 (Princeton University), Debian package wordnet-base"
    buf = io.StringIO()
    buf.write(f"# version: {VERSION}\n# source: {source}; rules: scripts/build_lexicon.py\n")
    buf.write("# " + json.dumps(stats, sort_keys=True) + "\n")
    buf.write("index\tname\twnid\tsynset\tlexfile\tdomain\trule\n")
    counts: Counter[str] = Counter()
    for i, (name, off) in enumerate(zip(names, offsets, strict=True)):
        ss = wn.synsets[off]
        dom, rule = rules.domain(off)
        counts[dom or ""] += 1
        buf.write(f"{i}\t{name}\tn{off:08d}\t{ss.name}\t{ss.lexfile}\t{dom or ''}\t{rule}\n")
    imagenet_tsv = buf.getvalue().encode("utf-8")

    dom_index = {d: k for k, d in enumerate(BABELNET_DOMAINS)}
    lemmas: dict[str, list[int]] = {}
    for lemma in sorted(wn.all_lemmas):
        lemmas[lemma] = [dom_index[d] for d in lemma_domains(wn, rules, lemma)]
    payload = {
        "version": VERSION,
        "source": source,
        "domains": list(BABELNET_DOMAINS),
        "lemmas": lemmas,
        "exceptions": {k: v for k, v in sorted(wn.noun_exceptions.items())},
    }
    raw = json.dumps(payload, separators=(",", ":"), sort_keys=False).encode("utf-8")
    gz = gzip.compress(raw, compresslevel=9, mtime=0)

    licence = (
        "The files lexicon_imagenet.tsv and lexicon_lemmas.json.gz in this folder are\n"
        "derived from WordNet 3.0 by scripts/build_lexicon.py.  WordNet's licence:\n\n"
        + read_licence(wn_dir)
        + "\n"
    )
    return {
        "lexicon_imagenet.tsv": imagenet_tsv,
        "lexicon_lemmas.json.gz": gz,
        "LICENSE-WORDNET": licence.encode("utf-8"),
        "_stats": json.dumps(
            {
                **stats,
                "domains": dict(counts.most_common()),
                "lemmas": len(lemmas),
                "lemmas_with_domain": sum(bool(v) for v in lemmas.values()),
            },
            indent=1,
        ).encode(),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "--wordnet-dir",
        type=Path,
        default=Path("/usr/share/wordnet"),
        help="folder holding WordNet 3.0's data.noun, index.*, cntlist.rev, noun.exc",
    )
    ap.add_argument("--out", type=Path, default=OUT_DIR)
    ap.add_argument(
        "--check",
        action="store_true",
        help="rebuild in memory and fail if the files in --out differ",
    )
    args = ap.parse_args(argv)
    if not (args.wordnet_dir / "data.noun").exists():
        print(
            f"error: no WordNet data in {args.wordnet_dir} (apt-get install wordnet-base)",
            file=sys.stderr,
        )
        return 2
    files = build(args.wordnet_dir)
    stats = files.pop("_stats")
    if args.check:
        stale = [
            n
            for n, data in files.items()
            if not (args.out / n).exists() or (args.out / n).read_bytes() != data
        ]
        if stale:
            print(f"stale lexicon files: {stale}", file=sys.stderr)
            return 1
        print("lexicon files are up to date")
        return 0
    args.out.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (args.out / name).write_bytes(data)
    print(stats.decode())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
