"""Word lists for the synthetic register generator: names, streets, towns, postcode areas, courts and insurers.

Pure data (and two small look-ups). The people built from these lists are invented: a given name and a family name
are drawn independently, so any resemblance to a real person is chance. Town names and postcode areas follow the
real map only roughly; insurer names are made up and belong to no real company.
"""

from __future__ import annotations

from typing import Final

# --- given names, by era of birth (names popular at the time) and sex ---------------------------------------------

DUTCH_GIVEN_OLD_M: Final = (
    "Johannes", "Cornelis", "Hendrik", "Jan", "Pieter", "Willem", "Gerrit", "Jacobus", "Adrianus", "Theodorus",
    "Petrus", "Antonius", "Gerardus", "Wilhelmus", "Franciscus", "Hendrikus", "Dirk", "Klaas", "Arie", "Bernardus",
    "Albert", "Henk", "Kees", "Wim", "Joop", "Piet", "Ton", "Bert", "Gijsbert", "Evert", "Marinus", "Leendert",
    "Teunis", "Hans", "Frits", "Harm", "Jaap", "Sjaak",
)  # fmt: skip
DUTCH_GIVEN_OLD_F: Final = (
    "Maria", "Johanna", "Anna", "Wilhelmina", "Cornelia", "Hendrika", "Elisabeth", "Catharina", "Geertruida",
    "Adriana", "Margaretha", "Jacoba", "Petronella", "Aaltje", "Grietje", "Trijntje", "Gerda", "Ria", "Truus",
    "Riet", "Annie", "Corrie", "Tineke", "Joke", "Els", "Ineke", "Marijke", "Hennie", "Willy", "Greetje", "Dini",
    "Lenie", "Thea", "Nel",
)  # fmt: skip
DUTCH_GIVEN_MID_M: Final = (
    "Peter", "Marco", "Erik", "Martin", "Richard", "Dennis", "Mark", "Patrick", "Michel", "Robert", "Jeroen",
    "Sander", "Arjan", "Edwin", "Ronald", "Frank", "Paul", "Bas", "Remco", "Marcel", "Vincent", "Maarten", "Bart",
    "Wouter", "Rutger", "Joost", "Erwin", "Rob", "André", "René", "Hugo", "Jochem", "Sjoerd", "Hylke", "Tjeerd",
)  # fmt: skip
DUTCH_GIVEN_MID_F: Final = (
    "Linda", "Monique", "Sandra", "Marieke", "Anja", "Ingrid", "Petra", "Esther", "Mirjam", "Karin", "Nicole",
    "Saskia", "Marloes", "Sabine", "Ilse", "Judith", "Wendy", "Yvonne", "Ellen", "Annemiek", "Hanneke", "Femke",
    "Daniëlle", "Chantal", "Astrid", "Brigitte", "Mariëlle", "Sylvia", "Tjitske", "Wytske", "Aukje", "Renée",
)  # fmt: skip
DUTCH_GIVEN_YOUNG_M: Final = (
    "Daan", "Sem", "Lucas", "Levi", "Finn", "Milan", "Jesse", "Thomas", "Tim", "Lars", "Bram", "Ruben", "Luuk",
    "Stijn", "Sven", "Jasper", "Niels", "Max", "Thijs", "Koen", "Tom", "Joris", "Gijs", "Mees", "Jelle", "Rick",
    "Kevin", "Mike", "Nick", "Dylan", "Noah", "Siebe", "Wessel", "Joël",
)  # fmt: skip
DUTCH_GIVEN_YOUNG_F: Final = (
    "Emma", "Julia", "Sophie", "Lisa", "Anna", "Eva", "Sanne", "Lotte", "Fleur", "Iris", "Tess", "Nina", "Roos",
    "Isa", "Lieke", "Noa", "Zoë", "Chloë", "Maud", "Anouk", "Laura", "Britt", "Demi", "Kim", "Manon", "Esmée",
    "Noëlle", "Loïs", "Naomi", "Floor", "Sytske", "Froukje",
)  # fmt: skip

TURKISH_GIVEN_M: Final = (
    "Mehmet", "Mustafa", "Ahmet", "Ali", "Hüseyin", "Hasan", "İbrahim", "Emre", "Burak", "Murat", "Kemal", "Yusuf",
    "Serkan", "Ömer", "Can", "Oğuz",
)  # fmt: skip
TURKISH_GIVEN_F: Final = (
    "Ayşe", "Fatma", "Emine", "Hatice", "Zeynep", "Elif", "Merve", "Büşra", "Özlem", "Derya", "Gül", "Selin",
    "Esra", "Şeyma",
)  # fmt: skip
MOROCCAN_GIVEN_M: Final = (
    "Mohamed", "Mohammed", "Ahmed", "Youssef", "Said", "Hamza", "Mustapha", "Karim", "Rachid", "Bilal", "Ayoub",
    "Nordin", "Soufiane", "Anouar", "Ilias", "Redouan",
)  # fmt: skip
MOROCCAN_GIVEN_F: Final = (
    "Fatima", "Khadija", "Nadia", "Samira", "Naima", "Malika", "Imane", "Hanane", "Soumaya", "Latifa", "Salma",
    "Yasmina", "Houda", "Loubna", "Sara",
)  # fmt: skip
POLISH_GIVEN_M: Final = (
    "Piotr", "Tomasz", "Paweł", "Krzysztof", "Marcin", "Łukasz", "Michał", "Grzegorz", "Jakub", "Kamil", "Wojciech",
    "Mateusz",
)  # fmt: skip
POLISH_GIVEN_F: Final = (
    "Katarzyna", "Małgorzata", "Agnieszka", "Anna", "Magdalena", "Joanna", "Monika", "Ewa", "Aleksandra", "Dorota",
    "Justyna", "Beata",
)  # fmt: skip
SURINAMESE_GIVEN_M: Final = (
    "Ravi", "Anand", "Rajesh", "Sunil", "Roy", "Glenn", "Romano", "Errol", "Ricardo", "Clyde", "Humphrey", "Dinesh",
    "Sanjay", "Ashwin", "Soerin",
)  # fmt: skip
SURINAMESE_GIVEN_F: Final = (
    "Sunita", "Priya", "Shanti", "Desiree", "Rachna", "Anita", "Sharda", "Chandra", "Gwendolyn", "Jennifer",
    "Shirley", "Natasha", "Asha", "Kavita",
)  # fmt: skip

# --- family names -------------------------------------------------------------------------------------------------

# (prefix, name), roughly by frequency in the Netherlands: the first are drawn most often.
DUTCH_FAMILY: Final[tuple[tuple[str | None, str], ...]] = (
    ("de", "Jong"), (None, "Jansen"), ("de", "Vries"), ("van den", "Berg"), ("van", "Dijk"), (None, "Bakker"),
    (None, "Janssen"), (None, "Visser"), (None, "Smit"), (None, "Meijer"), ("de", "Boer"), (None, "Mulder"),
    ("de", "Groot"), (None, "Bos"), (None, "Vos"), (None, "Peters"), (None, "Hendriks"), ("van", "Leeuwen"),
    (None, "Dekker"), (None, "Brouwer"), ("de", "Wit"), (None, "Dijkstra"), (None, "Smits"), ("de", "Graaf"),
    ("van der", "Meer"), ("van der", "Linden"), (None, "Kok"), (None, "Jacobs"), ("de", "Haan"), (None, "Vermeulen"),
    ("van den", "Heuvel"), ("van der", "Veen"), ("van den", "Broek"), ("de", "Bruijn"), ("de", "Bruin"),
    ("van der", "Heijden"), (None, "Schouten"), ("van", "Beek"), (None, "Willems"), ("van", "Wijk"), (None, "Vink"),
    (None, "Hoekstra"), (None, "Maas"), (None, "Verhoeven"), (None, "Koster"), ("van", "Dam"), ("van der", "Wal"),
    (None, "Prins"), (None, "Blom"), (None, "Huisman"), (None, "Peeters"), ("de", "Jonge"), (None, "Kuipers"),
    ("van", "Veen"), (None, "Post"), (None, "Kuiper"), (None, "Veenstra"), (None, "Kramer"), ("van den", "Brink"),
    (None, "Scholten"), ("van", "Vliet"), (None, "Willemsen"), (None, "Postma"), (None, "Timmermans"),
    (None, "Wouters"), (None, "Martens"), (None, "Jonker"), ("van", "Dongen"), (None, "Evers"), (None, "Schipper"),
    ("ten", "Brink"), ("ter", "Horst"), ("van de", "Ven"), ("in 't", "Veld"), ("van 't", "Hof"), ("den", "Hartog"),
    ("van", "Rijn"), (None, "Hofman"), (None, "Sanders"), ("van", "Loon"), (None, "Boersma"), (None, "Koning"),
    (None, "Zwart"), ("van der", "Laan"), (None, "Groen"), (None, "Gerritsen"), ("ten", "Cate"), ("ter", "Beek"),
    ("van", "Ommen"), (None, "Verbeek"), ("'t", "Hart"), ("van der", "Zee"), ("de", "Lange"), (None, "Kuijpers"),
    (None, "Sikkema"), (None, "Wijnands"), ("van", "Essen"), (None, "Claassen"), ("van der", "Velde"),
    (None, "Hermans"), ("op den", "Kamp"), ("van", "Gils"), (None, "Schreurs"), ("ten", "Have"), ("van der", "Sluis"),
)  # fmt: skip
TURKISH_FAMILY: Final = (
    "Yılmaz", "Kaya", "Demir", "Şahin", "Çelik", "Yıldız", "Yıldırım", "Öztürk", "Aydın", "Özdemir", "Arslan",
    "Doğan", "Kılıç", "Aslan", "Çetin", "Kara", "Koç", "Kurt", "Özkan", "Şimşek", "Polat", "Korkmaz", "Güler",
    "Akın", "Bulut", "Uçar", "Tekin",
)  # fmt: skip
MOROCCAN_FAMILY: Final = (
    "El Amrani", "Bouzid", "Benali", "El Idrissi", "Ouali", "Boukhari", "Azzouzi", "El Khatib", "Bouali",
    "Aït Taleb", "El Ouardi", "Haddou", "Amrani", "Ziani", "Chaoui", "El Hamdaoui", "Mourabit", "Tahiri", "Lahlou",
    "Bakkali", "Chakir", "Ouahbi", "El Mokadem",
)  # fmt: skip
# (masculine, feminine) forms
POLISH_FAMILY: Final = (
    ("Kowalski", "Kowalska"), ("Wiśniewski", "Wiśniewska"), ("Wójcik", "Wójcik"), ("Kowalczyk", "Kowalczyk"),
    ("Kamiński", "Kamińska"), ("Lewandowski", "Lewandowska"), ("Zieliński", "Zielińska"), ("Szymański", "Szymańska"),
    ("Woźniak", "Woźniak"), ("Dąbrowski", "Dąbrowska"), ("Kozłowski", "Kozłowska"), ("Jankowski", "Jankowska"),
    ("Mazur", "Mazur"), ("Nowak", "Nowak"), ("Krawczyk", "Krawczyk"), ("Piotrowski", "Piotrowska"),
    ("Grabowski", "Grabowska"), ("Pawłowski", "Pawłowska"),
)  # fmt: skip
SURINAMESE_FAMILY: Final = (
    "Ramdin", "Sewnath", "Jagernath", "Kanhai", "Mahabier", "Ramkisoen", "Soekhai", "Baldewsingh", "Ramdas",
    "Bhagwandin", "Kromodimedjo", "Sastrodikromo", "Karijodikoro", "Pinas", "Sabajo", "Fernandes", "Lont",
    "Tjon A Fat", "Kasanpawiro", "Wongsodikromo", "Biharie", "Jhinkoe", "Linger", "Vlijter",
)  # fmt: skip

# --- e-mail providers of generated identifiers (incident register) -------------------------------------------------

EMAIL_PROVIDERS: Final = (
    "gmail.com", "hotmail.com", "outlook.com", "live.nl", "ziggo.nl", "kpnmail.nl", "icloud.com", "hotmail.nl",
    "planet.nl", "xs4all.nl", "yahoo.com", "telfort.nl",
)  # fmt: skip
BANK_CODES: Final = ("INGB", "RABO", "ABNA", "SNSB", "ASNB", "TRIO", "KNAB", "BUNQ", "RBRB")

# --- streets ------------------------------------------------------------------------------------------------------

STREET_STEMS: Final = (
    "Beuken", "Eiken", "Linden", "Iepen", "Berken", "Essen", "Wilgen", "Kastanje", "Populieren", "Platanen",
    "Acacia", "Meidoorn", "Vlier", "Hazelaar", "Lijsterbes", "Rozen", "Tulpen", "Narcissen", "Anjer", "Lelie",
    "Irissen", "Dahlia", "Goudsbloem", "Zonnebloem", "Klaproos", "Korenbloem", "Madelief", "Merel", "Lijster",
    "Spreeuwen", "Zwaluw", "Kievit", "Reiger", "Meeuwen", "Vinken", "Molen", "Kerk", "School", "Stations", "Dorps",
    "Heren", "Prinsen", "Keizers", "Konings", "Wilhelmina", "Juliana", "Beatrix", "Emma", "Oranje", "Nassau",
    "Rembrandt", "Vermeer", "Frans Hals", "Van Gogh", "Mondriaan", "Mozart", "Beethoven", "Bach", "Chopin", "Vondel",
    "Bilderdijk", "Multatuli", "Tollens", "Da Costa", "Huygens", "Erasmus", "Spinoza", "Thorbecke", "Marnix",
    "Tasman", "Barentsz", "De Ruyter", "Piet Hein", "Tromp", "Evertsen", "Mercurius", "Jupiter", "Saturnus",
    "Planeten", "Weide", "Akker", "Veld", "Polder", "Sluis", "Haven", "Brug", "Markt", "Burg", "Slot", "Tuin",
    "Bleek", "Koren", "Hooi", "Boomgaard", "Wind", "Zuider", "Noorder", "Ooster", "Wester", "Ambachts", "Fabrieks",
    "Industrie", "Handels", "Dijk", "Vaart", "Schans", "Bolwerk", "Poort", "Gasthuis", "Klooster", "Abdij",
)  # fmt: skip
STREET_SUFFIXES: Final = (
    "straat", "straat", "straat", "laan", "laan", "weg", "weg", "plein", "hof", "singel", "kade", "dreef", "pad",
    "park", "dijk", "steeg", "erf", "gracht",
)  # fmt: skip
STREET_ADJECTIVES: Final = ("Oude", "Nieuwe", "Lange", "Korte", "Hoge", "Lage", "Brede", "Kleine", "Grote")

# --- towns and postcode areas --------------------------------------------------------------------------------------

# Four-digit postcode areas of the larger cities, roughly as in reality.
CITY_AREAS: Final[tuple[tuple[int, int, str], ...]] = (
    (1000, 1109, "Amsterdam"), (1110, 1114, "Diemen"), (1180, 1189, "Amstelveen"), (1200, 1223, "Hilversum"),
    (1300, 1365, "Almere"), (1400, 1406, "Bussum"), (1500, 1509, "Zaandam"), (1620, 1628, "Hoorn"),
    (1780, 1789, "Den Helder"), (1800, 1827, "Alkmaar"), (1940, 1949, "Beverwijk"), (1970, 1976, "IJmuiden"),
    (2000, 2037, "Haarlem"), (2130, 2136, "Hoofddorp"), (2300, 2334, "Leiden"), (2400, 2409, "Alphen aan den Rijn"),
    (2490, 2599, "Den Haag"), (2600, 2629, "Delft"), (2700, 2729, "Zoetermeer"), (2800, 2809, "Gouda"),
    (3000, 3089, "Rotterdam"), (3100, 3125, "Schiedam"), (3130, 3138, "Vlaardingen"), (3200, 3209, "Spijkenisse"),
    (3300, 3319, "Dordrecht"), (3430, 3439, "Nieuwegein"), (3500, 3585, "Utrecht"), (3700, 3709, "Zeist"),
    (3800, 3829, "Amersfoort"), (3900, 3907, "Veenendaal"), (4330, 4336, "Middelburg"), (4380, 4389, "Vlissingen"),
    (4460, 4465, "Goes"), (4600, 4625, "Bergen op Zoom"), (4700, 4709, "Roosendaal"), (4800, 4839, "Breda"),
    (5000, 5049, "Tilburg"), (5200, 5237, "'s-Hertogenbosch"), (5340, 5352, "Oss"), (5600, 5658, "Eindhoven"),
    (5700, 5709, "Helmond"), (5900, 5928, "Venlo"), (6040, 6045, "Roermond"), (6130, 6136, "Sittard"),
    (6200, 6229, "Maastricht"), (6400, 6422, "Heerlen"), (6500, 6546, "Nijmegen"), (6710, 6718, "Ede"),
    (6800, 6846, "Arnhem"), (7000, 7009, "Doetinchem"), (7300, 7339, "Apeldoorn"), (7400, 7419, "Deventer"),
    (7500, 7548, "Enschede"), (7550, 7559, "Hengelo"), (7600, 7609, "Almelo"), (7800, 7828, "Emmen"),
    (8000, 8043, "Zwolle"), (8200, 8245, "Lelystad"), (8900, 8941, "Leeuwarden"), (9400, 9409, "Assen"),
    (9700, 9747, "Groningen"),
)  # fmt: skip

# Smaller towns by the first digit of their postcode region; the generator gives them the areas between the cities.
REGION_TOWNS: Final[dict[int, tuple[str, ...]]] = {
    1: (
        "Purmerend", "Enkhuizen", "Medemblik", "Schagen", "Heerhugowaard", "Castricum", "Heiloo", "Bergen",
        "Uitgeest", "Wormerveer", "Krommenie", "Edam", "Volendam", "Monnickendam", "Weesp", "Huizen", "Naarden",
        "Laren", "Blaricum", "Uithoorn", "Aalsmeer", "Julianadorp", "Den Burg", "Wervershoof", "Landsmeer",
        "Oostzaan", "Wormer", "Heemskerk", "Akersloot", "Warmenhuizen",
    ),
    2: (
        "Katwijk", "Noordwijk", "Lisse", "Hillegom", "Sassenheim", "Voorschoten", "Wassenaar", "Rijswijk",
        "Voorburg", "Leidschendam", "Pijnacker", "Nootdorp", "Naaldwijk", "Monster", "Wateringen", "Waddinxveen",
        "Boskoop", "Bodegraven", "Nieuw-Vennep", "Heemstede", "Bloemendaal", "Zandvoort", "Oegstgeest",
        "Leiderdorp", "Zoeterwoude", "Moordrecht", "Bergschenhoek", "Berkel en Rodenrijs", "Maasland", "Honselersdijk",
    ),
    3: (
        "Maassluis", "Capelle aan den IJssel", "Krimpen aan den IJssel", "Ridderkerk", "Barendrecht",
        "Hellevoetsluis", "Brielle", "Zwijndrecht", "Papendrecht", "Sliedrecht", "IJsselstein", "Houten", "Bilthoven",
        "De Bilt", "Maarssen", "Woerden", "Montfoort", "Soest", "Baarn", "Leusden", "Rhenen", "Wijk bij Duurstede",
        "Harderwijk", "Ermelo", "Putten", "Nijkerk", "Barneveld", "Oud-Beijerland", "Hendrik-Ido-Ambacht", "Vianen",
    ),
    4: (
        "Tiel", "Culemborg", "Geldermalsen", "Gorinchem", "Leerdam", "Zaltbommel", "Zierikzee", "Terneuzen", "Hulst",
        "Etten-Leur", "Oosterhout", "Made", "Zevenbergen", "Steenbergen", "Oud-Gastel", "Halsteren", "Oostburg",
        "Sluis", "Yerseke", "Kapelle", "Tholen", "Brouwershaven", "Klundert", "Standdaarbuiten", "Rijen",
    ),
    5: (
        "Goirle", "Dongen", "Waalwijk", "Kaatsheuvel", "Vught", "Boxtel", "Uden", "Veghel", "Schijndel", "Veldhoven",
        "Best", "Geldrop", "Nuenen", "Son en Breugel", "Deurne", "Asten", "Venray", "Tegelen", "Boxmeer", "Cuijk",
        "Oisterwijk", "Waalre", "Valkenswaard", "Bladel", "Reusel", "Gemert", "Mierlo", "Heeze", "Rosmalen",
    ),
    6: (
        "Weert", "Geleen", "Kerkrade", "Brunssum", "Valkenburg", "Wijchen", "Beuningen", "Druten", "Wageningen",
        "Velp", "Oosterbeek", "Zevenaar", "Elst", "Bemmel", "Renkum", "Meerssen", "Gulpen", "Stein", "Echt",
        "Landgraaf", "Vaals", "Duiven", "Didam", "Bennekom", "Groesbeek", "Nederweert", "Susteren", "Beek",
    ),
    7: (
        "Winterswijk", "Aalten", "Zutphen", "Lochem", "Raalte", "Oldenzaal", "Borne", "Rijssen", "Nijverdal",
        "Hardenberg", "Coevorden", "Hoogeveen", "Meppel", "Ommen", "Dalfsen", "Haaksbergen", "Vriezenveen",
        "Eibergen", "Groenlo", "Lichtenvoorde", "Goor", "Denekamp", "Tubbergen", "Wierden", "Vroomshoop",
        "Klazienaveen", "Beilen", "Westerbork", "Diepenheim", "Holten",
    ),
    8: (
        "Kampen", "Hattem", "Heerde", "Epe", "Elburg", "Dronten", "Emmeloord", "Urk", "Heerenveen", "Sneek",
        "Bolsward", "Harlingen", "Franeker", "Joure", "Wolvega", "Lemmer", "Steenwijk", "Genemuiden", "Hasselt",
        "Zeewolde", "Balk", "Workum", "Makkum", "Oldeberkoop", "Gorredijk", "IJlst", "Grou", "Wommels",
    ),
    9: (
        "Dokkum", "Drachten", "Burgum", "Surhuisterveen", "Roden", "Zuidhorn", "Winsum", "Delfzijl", "Appingedam",
        "Veendam", "Winschoten", "Stadskanaal", "Hoogezand", "Haren", "Leek", "Marum", "Ter Apel", "Uithuizen",
        "Bedum", "Musselkanaal", "Oude Pekela", "Kollum", "Buitenpost", "Gieten", "Zuidlaren", "Vries", "Eelde",
    ),
}  # fmt: skip

# --- courts (insolvency case numbers `C/<court>/<yy>/<number> <F|S|R>`) -------------------------------------------

# (first area, last area, court code): the district court for a postcode area, roughly as in reality.
COURT_AREAS: Final[tuple[tuple[int, int, str], ...]] = (
    (1000, 1199, "13"),  # Amsterdam
    (1200, 2199, "15"),  # Noord-Holland
    (2200, 2799, "09"),  # Den Haag
    (2800, 3399, "10"),  # Rotterdam
    (3400, 3999, "16"),  # Midden-Nederland
    (4000, 4199, "05"),  # Gelderland
    (4200, 4299, "10"),  # Rotterdam
    (4300, 5199, "02"),  # Zeeland-West-Brabant
    (5200, 5799, "01"),  # Oost-Brabant
    (5800, 6499, "03"),  # Limburg
    (6500, 7399, "05"),  # Gelderland
    (7400, 7799, "08"),  # Overijssel
    (7800, 7999, "18"),  # Noord-Nederland
    (8000, 8199, "08"),  # Overijssel
    (8200, 8399, "16"),  # Midden-Nederland (Flevoland)
    (8400, 9999, "18"),  # Noord-Nederland
)
COURTS: Final = tuple(sorted({court for _, _, court in COURT_AREAS}))


def court_for_postcode(postcode: str) -> str:
    """The court code for a postcode (`1234AB` or `1234 AB`)."""
    area = int(postcode[:4])
    for first, last, court in COURT_AREAS:
        if first <= area <= last:
            return court
    raise ValueError(f"no court for postcode {postcode!r}")


# --- insurers (invented names; no real company) --------------------------------------------------------------------

INSURERS: Final = (
    "Dijkgraaf Verzekeringen N.V.",
    "Polderhaven Schadeverzekering N.V.",
    "Kwelder Assurantiën B.V.",
    "Molenwiek Verzekeringen N.V.",
    "Veenhorst Onderlinge U.A.",
    "Zuiderlicht Verzekeringen N.V.",
    "Eilandpoort Schadeverzekering N.V.",
    "Hunzedal Verzekeringen N.V.",
    "Duinrand Onderlinge Waarborg U.A.",
    "Grachtzicht Assuradeuren B.V.",
    "Terpland Verzekeringen N.V.",
    "Beemsterbaken Schade N.V.",
)

# --- disposable e-mail domains --------------------------------------------------------------------------------------

# Well-known disposable (temporary) e-mail domains; each is on the community list
# github.com/disposable-email-domains/disposable-email-domains.
DISPOSABLE_EMAIL_DOMAINS: Final = (
    "0-mail.com", "10minutemail.be", "10minutemail.co.uk", "10minutemail.com", "10minutemail.de", "10minutemail.net",
    "10minutemail.nl", "10minutemail.pro", "1secmail.com", "1secmail.net", "1secmail.org", "20minutemail.com",
    "30minutemail.com", "anonbox.net", "anonymbox.com", "armyspy.com", "binkmail.com", "bobmail.info", "byom.de",
    "cuvox.de", "dayrep.com", "deadaddress.com", "discard.email", "discardmail.com", "discardmail.de",
    "disposableaddress.com", "disposableinbox.com", "dispostable.com", "dodgit.com", "dropmail.me", "e4ward.com",
    "einrot.com", "email-fake.com", "emailfake.com", "emailondeck.com", "emailsensei.com", "emailtemporanea.com",
    "emailtemporanea.net", "emlhub.com", "emlpro.com", "emltmp.com", "fakeinbox.com", "fakemail.fr",
    "fakemailgenerator.com", "filzmail.com", "fleckens.hu", "getairmail.com", "getnada.com", "gishpuppy.com",
    "grr.la", "guerrillamail.biz", "guerrillamail.com", "guerrillamail.de", "guerrillamail.info",
    "guerrillamail.net", "guerrillamail.org", "guerrillamailblock.com", "gustr.com", "harakirimail.com",
    "ikbenspamvrij.nl", "inboxbear.com", "inboxkitten.com", "incognitomail.org", "jetable.com", "jetable.net",
    "jetable.org", "jourrapide.com", "kasmail.com", "killmail.com", "mail-temporaire.fr", "mail7.io",
    "mailcatch.com", "maildrop.cc", "mailexpire.com", "mailforspam.com", "mailinater.com", "mailinator.com",
    "mailinator.net", "mailinator.org", "mailinator2.com", "mailmetrash.com", "mailnator.com", "mailnesia.com",
    "mailnull.com", "mailsac.com", "mailtemp.info", "mintemail.com", "moakt.com", "mohmal.com", "mt2015.com",
    "my10minutemail.com", "mytemp.email", "mytrashmail.com", "nada.email", "no-spam.ws", "noclickemail.com",
    "notmailinator.com", "nowmymail.com", "objectmail.com", "one-time.email", "pokemail.net", "quickinbox.com",
    "rhyta.com", "sharklasers.com", "shieldemail.com", "spam.la", "spam4.me", "spamavert.com", "spambog.com",
    "spambox.me", "spambox.us", "spamex.com", "spamfree24.org", "spamgoes.in", "spamherelots.com", "spamhole.com",
    "spaml.de", "spammotel.com", "spamspot.com", "superrito.com", "teleworm.us", "temp-mail.com", "temp-mail.de",
    "temp-mail.org", "temp-mail.ru", "tempail.com", "tempemail.net", "tempinbox.com", "tempmail.de",
    "tempmailer.com", "tempmailo.com", "tempomail.fr", "temporaryemail.net", "temporaryinbox.com", "tempr.email",
    "throwam.com", "throwawaymail.com", "tmail.ws", "tmpmail.net", "tmpmail.org", "trash-mail.com", "trash-mail.de",
    "trashmail.at", "trashmail.com", "trashmail.de", "trashmail.io", "trashmail.me", "trashmail.net",
    "trashmail.ws", "trashmailer.com", "trbvm.com", "wegwerfmail.de", "wegwerfmail.net", "wegwerfmail.org",
    "wegwerpmailadres.nl", "yopmail.com", "yopmail.fr", "yopmail.net", "zehnminutenmail.de", "zoemail.org",
)  # fmt: skip

# --- village names (composed) for postcode areas beyond the towns above ----------------------------------------------

VILLAGE_STEMS: Final = (
    "Ooster", "Wester", "Noorder", "Zuider", "Hoog", "Laag", "Nieuw", "Oud", "Groot", "Klein", "Eiken", "Beuken",
    "Linde", "Berken", "Wilgen", "Elzen", "Hazel", "Molen", "Kerk", "Veld", "Heide", "Zand", "Klei", "Dijk", "Water",
    "Riet", "Mos", "Valk", "Haver", "Rogge", "Boek", "Holt", "Asch", "Bree", "Geest", "Lange", "Diep", "Vos",
)  # fmt: skip
VILLAGE_SUFFIXES: Final = (
    "broek", "dorp", "wijk", "veen", "hoven", "zijl", "horst", "loo", "hout", "dam", "drecht", "winkel", "rade",
    "beek", "wolde", "meer", "kerk", "huizen", "burg", "werd", "hem", "sum", "mond", "haar", "laar", "donk",
)  # fmt: skip
