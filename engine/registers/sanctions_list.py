"""A synthetic sanctions list in the shape of the EU consolidated list, generated deterministically from a seed.

About 85% natural persons and 15% organisations. Persons have the origins such lists really have: Russian,
Ukrainian and Belarusian names (drawn in Cyrillic and transliterated with the schemes passports, the BGN/PCGN
system, German and French use, so the aliases differ as real ones do), Arabic names (Syrian, Iraqi, Libyan, Yemeni,
Maghrebi; given name, father's and grandfather's names and a family name with or without its article, in several
spellings and sometimes in Arabic script), Iranian, Afghan, North Korean, Burmese, West African, Balkan and
Latin-American names. Each has 0-3 birth dates (some only a year), nationalities, a programme code and the date it
was listed. Organisations are trading, shipping and industrial companies with their legal forms (`OOO`, `LLC`,
`Company Limited`, ...).

The names are combinations of common names: any resemblance to a listed person is a coincidence of the tables.
:data:`PLANTED_SANCTIONS` are clearly fictional entries the generator always includes, for tests.

    generate_sanctions_list(Path("data/registers"))  # -> sanctions.jsonl.gz, byte-identical for a seed
"""

from __future__ import annotations

import gzip
import json
import random
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import TypeVar

from anyascii import anyascii

from engine.registers.identifiers import fold
from engine.registers.records import SanctionsEntry

T = TypeVar("T")
FILE_NAME = "sanctions.jsonl.gz"
ENTITY_SHARE = 0.15

PLANTED_SANCTIONS: dict[str, SanctionsEntry] = {
    "person_cyrillic": SanctionsEntry(
        id="EU.1.01",
        kind="person",
        names=["Fiktiv Testovich Primerov", "Fiktiv Testovitch Primeroff", "Фиктив Тестович Примеров"],
        birth_dates=["1971-04-12"],
        nationalities=["RU"],
        programme="RUS",
        listed_on=date(2022, 3, 15),
    ),
    "person_year_only": SanctionsEntry(
        id="EU.2.02",
        kind="person",
        names=["Tajribi Khayali al-Muftarad", "Tajriby Khayaly el-Moftarad"],
        birth_dates=["1968"],
        nationalities=["SY"],
        programme="SYR",
        listed_on=date(2012, 6, 25),
    ),
    "entity": SanctionsEntry(
        id="EU.3.03",
        kind="entity",
        names=["Imaginarium Test Shipping LLC", "OOO Imaginarium Test Shipping", "ООО «Имагинариум Тест Шиппинг»"],
        nationalities=["RU"],
        programme="RUS",
        listed_on=date(2023, 6, 23),
    ),
}
"""Fictional entries that every generated list contains: a person with a Cyrillic alias and a full date of birth, a
person with only a birth year, and an organisation."""


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


def _variants(text: str) -> tuple[tuple[str, ...], ...]:
    """`Mohammed/Muhammad Ali` -> (("Mohammed", "Muhammad"), ("Ali",)): spellings of one name, separated by `/`."""
    return tuple(tuple(item.replace("_", " ").split("/")) for item in text.split())


def _letters(text: str) -> dict[str, str]:
    """`"ж=zh й=i ь="` -> {"ж": "zh", "й": "i", "ь": ""}."""
    return dict(pair.split("=", 1) for pair in text.split())


def _pairs(text: str) -> tuple[tuple[str, str], ...]:
    """`"Аляксандр=Александр Сяргей=Сергей"` -> (("Аляксандр", "Александр"), ("Сяргей", "Сергей"))."""
    return tuple((left, right) for left, right in (pair.split("=") for pair in text.split()))


def _script_spellings(text: str) -> tuple[tuple[str, str], ...]:
    """`"محمد=Mohammed/Muhammad عبد_الله=Abdullah/Abd_Allah"` -> ((script, "Mohammed/Muhammad"), ...)."""
    return tuple((script.replace("_", " "), latin) for script, latin in (item.split("=") for item in text.split()))


def _phrases(text: str) -> tuple[str, ...]:
    return tuple(phrase.strip() for phrase in text.split("|"))


# --- Cyrillic transliteration --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Scheme:
    """A Cyrillic -> Latin transliteration scheme, word by word."""

    letters: dict[str, str]
    word_initial: dict[str, str]  # letters written otherwise at the start of a word or after a vowel
    endings: dict[str, str]  # word endings written otherwise (`ий` -> `iy`)
    ks_as_x: bool = False

    def word(self, word: str) -> str:
        lower = word.lower()
        tail = ""
        for ending, latin in self.endings.items():
            if lower.endswith(ending) and len(lower) > len(ending) + 1:
                lower, tail = lower[: -len(ending)], latin
                break
        out = []
        previous = ""
        for char in lower:
            if char in self.word_initial and (not previous or previous in _CYRILLIC_VOWELS):
                out.append(self.word_initial[char])
            else:
                out.append(self.letters.get(char, char))
            previous = char
        latin = "".join(out) + tail
        if self.ks_as_x:
            latin = latin.replace("ks", "x")
        return latin[:1].upper() + latin[1:]

    def name(self, text: str) -> str:
        return " ".join("-".join(self.word(part) for part in word.split("-")) for word in text.split())


_CYRILLIC_VOWELS = set("аеёиоуыэюяіїєьъ")
_RU = "а=a б=b в=v г=g д=d е=e з=z и=i к=k л=l м=m н=n о=o п=p р=r с=s т=t у=u ф=f ъ= ь= ы=y э=e і=i ї=yi є=ye ґ=g "
_UA = "а=a б=b в=v г=h ґ=g д=d е=e з=z и=y і=i к=k л=l м=m н=n о=o п=p р=r с=s т=t у=u ф=f ь= '= ж=zh х=kh ц=ts "
RUSSIAN_SCHEMES: dict[str, _Scheme] = {
    "passport": _Scheme(  # ICAO 9303, Russian passports since 2013
        _letters(_RU + "ё=e ж=zh й=i х=kh ц=ts ч=ch ш=sh щ=shch ъ=ie ю=iu я=ia"), {}, {}
    ),
    "bgn": _Scheme(  # BGN/PCGN, as the UK and US lists write
        _letters(_RU + "ё=yo ж=zh й=y х=kh ц=ts ч=ch ш=sh щ=shch ю=yu я=ya"), {"е": "ye"}, {"ий": "iy", "ый": "yy"}
    ),
    "english": _Scheme(  # the customary English forms: Alexander, Yevgeny, Sergei
        _letters(_RU + "ё=yo ж=zh й=i х=kh ц=ts ч=ch ш=sh щ=shch ю=yu я=ya"),
        {"е": "ye"},
        {"ий": "y", "ей": "ei"},
        ks_as_x=True,
    ),
    "german": _Scheme(  # Duden
        _letters(_RU + "в=w ё=jo ж=sch з=s й=j х=ch ц=z ч=tsch ш=sch щ=schtsch ю=ju я=ja"),
        {"е": "je"},
        {"ий": "ij", "ов": "ow", "ев": "ew"},
        ks_as_x=True,
    ),
    "french": _Scheme(
        _letters(_RU + "ё=io ж=j й=i у=ou х=kh ц=ts ч=tch ш=ch щ=chtch ю=iou я=ia"), {}, {"ий": "i"}, ks_as_x=True
    ),
}
UKRAINIAN_SCHEMES: dict[str, _Scheme] = {
    "national": _Scheme(  # the official Ukrainian system of 2010, as in Ukrainian passports
        _letters(_UA + "ї=i є=ie й=i ч=ch ш=sh щ=shch ю=iu я=ia"),
        _letters("є=ye ї=yi й=y ю=yu я=ya"),
        {"ій": "ii"},
    ),
    "russianised": _Scheme(  # as Russian-language documents render Ukrainian names
        _letters(_UA + "г=g и=i ї=yi є=ye й=y ч=ch ш=sh щ=shch ю=yu я=ya"), {"е": "ye"}, {"ій": "iy"}
    ),
}
BELARUSIAN_SCHEME = _Scheme(  # Belarusian passports
    _letters(_UA + "и=i ё=io і=i й=i ў=u ч=ch ш=sh ы=y э=e ю=iu я=ia"),
    _letters("е=ye ё=yo ю=yu я=ya"),
    {"ый": "y", "ій": "i"},
)

# --- name tables ---------------------------------------------------------------------------------------------------

RU_MALE = _words(
    "Александр Алексей Андрей Антон Аркадий Артём Борис Вадим Валерий Василий Виктор Виталий Владимир Владислав "
    "Вячеслав Геннадий Георгий Глеб Григорий Денис Дмитрий Евгений Егор Иван Игорь Илья Кирилл Константин Леонид "
    "Максим Михаил Никита Николай Олег Павел Пётр Роман Руслан Сергей Станислав Степан Тимур Фёдор Юрий Ярослав "
    "Эдуард Анатолий Валентин Семён Рамзан Захар Матвей Ростислав Всеволод"
)
RU_FEMALE = _words(
    "Анна Александра Валентина Виктория Галина Дарья Евгения Екатерина Елена Ирина Людмила Мария Марина Наталья "
    "Ольга Светлана Татьяна Юлия Оксана Вероника Ксения Маргарита Полина Софья Элла Лариса Зоя Надежда Любовь"
)
RU_PATRONYMICS = _words(
    "Александрович Алексеевич Анатольевич Андреевич Борисович Валерьевич Васильевич Викторович Владимирович "
    "Геннадьевич Георгиевич Григорьевич Дмитриевич Евгеньевич Иванович Игоревич Леонидович Михайлович Николаевич "
    "Олегович Павлович Петрович Сергеевич Юрьевич Вячеславович Валентинович Константинович Фёдорович Степанович "
    "Аркадьевич Витальевич Эдуардович Романович Семёнович Максимович"
)
RU_FAMILY = _words(
    "Иванов Смирнов Кузнецов Попов Васильев Петров Соколов Михайлов Новиков Фёдоров Морозов Волков Алексеев Лебедев "
    "Семёнов Егоров Павлов Козлов Степанов Николаев Орлов Андреев Макаров Никитин Захаров Зайцев Соловьёв Борисов "
    "Яковлев Григорьев Романов Воробьёв Сергеев Кузьмин Фролов Александров Дмитриев Королёв Гусев Киселёв Ильин "
    "Максимов Поляков Сорокин Виноградов Ковалёв Белов Медведев Антонов Тарасов Жуков Баранов Филиппов Комаров "
    "Давыдов Беляев Герасимов Богданов Осипов Сидоров Матвеев Титов Марков Миронов Крылов Куликов Карпов Власов "
    "Мельников Денисов Гаврилов Тихонов Казаков Афанасьев Данилов Савельев Тимофеев Фомин Чернов Абрамов Мартынов "
    "Ефимов Федотов Щербаков Назаров Калинин Исаев Чернышёв Быков Маслов Родионов Коновалов Лазарев Воронин Климов "
    "Филатов Пономарёв Голубев Кудрявцев Прохоров Наумов Потапов Журавлёв Овчинников Трофимов Леонов Соболев "
    "Ермаков Колесников Гончаров Емельянов Никифоров Грачёв Котов Гришин Ефремов Архипов Громов Кириллов Малышев "
    "Панов Моисеев Румянцев Акимов Кондратьев Бирюков Горбунов Анисимов Ерёмин Тихомиров Галкин Лукьянов Михеев "
    "Скворцов Юдин Белоусов Нестеров Симонов Прокофьев Харитонов Князев Цветков Левин Митрофанов Воронов Аксёнов "
    "Мальцев Логинов Горшков Савин Краснов Майоров Демидов Елисеев Рыбаков Сафонов Плотников Хохлов Жданов "
    "Вишневский Покровский Троицкий Успенский Трубецкой Кадыров Хабибуллин Гайнутдинов Абдулаев Магомедов "
    "Шевчук Кравченко Руденко Литвинов Черкасов Золотов Ткачёв Зубков Рогозин Шаталов Дёмин"
)
UA_MALE = _words(
    "Олександр Сергій Володимир Андрій Микола Віктор Юрій Олег Ігор Василь Дмитро Петро Іван Михайло Тарас Богдан "
    "Валерій Роман Євген Віталій Анатолій Олексій Павло Вадим Максим Ярослав"
)
UA_FEMALE = _words("Олена Наталія Тетяна Ірина Світлана Оксана Юлія Людмила Галина Ольга Марія Катерина Вікторія")
UA_PATRONYMICS = _words(
    "Олександрович Сергійович Володимирович Андрійович Миколайович Вікторович Юрійович Олегович Ігорович "
    "Васильович Петрович Іванович Михайлович Анатолійович Валерійович Леонідович Григорович Федорович Степанович "
    "Павлович"
)
UA_FAMILY = _words(
    "Шевченко Коваленко Бондаренко Ткаченко Кравченко Олійник Шевчук Поліщук Бойко Ковальчук Мельник Савченко "
    "Руденко Марченко Лисенко Петренко Мороз Павленко Левченко Харченко Клименко Сидоренко Гончаренко Кузьменко "
    "Пономаренко Ковальов Захарченко Литвиненко Мірошниченко Гриценко Костенко Яковенко Романенко Дорошенко Кушнір "
    "Кравчук Симоненко Білоус Приходько Головко Демченко Зінченко Панченко Кириленко Васильченко Онищенко Гордієнко "
    "Тимченко Пилипенко"
)
BY_MALE = _pairs(  # Belarusian=Russian
    "Аляксандр=Александр Сяргей=Сергей Уладзімір=Владимир Віктар=Виктор Андрэй=Андрей Дзмітрый=Дмитрий "
    "Міхаіл=Михаил Мікалай=Николай Павел=Павел Юрый=Юрий Ігар=Игорь Алег=Олег Васіль=Василий Генадзь=Геннадий "
    "Іван=Иван Анатоль=Анатолий Леанід=Леонид Валерый=Валерий Пётр=Пётр Віталь=Виталий Раман=Роман Яўген=Евгений"
)
BY_FEMALE = _pairs(
    "Наталля=Наталья Вольга=Ольга Ірына=Ирина Алена=Елена Таццяна=Татьяна Людміла=Людмила Святлана=Светлана "
    "Ганна=Анна Марына=Марина Лідзія=Лидия"
)
BY_FAMILY = _pairs(
    "Шэйман=Шейман Караеў=Караев Макей=Макей Кавалёў=Ковалёв Бондар=Бондарь Шаўчэнка=Шевченко Мельнік=Мельник "
    "Кузняцоў=Кузнецов Навіцкі=Новицкий Казлоў=Козлов Лукашэвіч=Лукашевич Васілеўскі=Василевский Жук=Жук "
    "Карповіч=Карпович Сяргееў=Сергеев Радзевіч=Радзевич Міхалевіч=Михалевич Ярмоленка=Ярмоленко Юрчанка=Юрченко "
    "Пятрэнка=Петренко Гайдукевіч=Гайдукевич Кабяк=Кобяк Вакульчык=Вакульчик Балаба=Балаба Шуневіч=Шуневич "
    "Барсукоў=Барсуков Карпенка=Карпенко Шапавалаў=Шаповалов Мацкевіч=Мацкевич Глінскі=Глинский "
    "Дземянчук=Демянчук Сівец=Сивец"
)
ARABIC_GIVEN = _script_spellings(  # script=Latin spellings; `_` is a space
    "محمد=Mohammed/Muhammad/Mohamed/Mohamad/Mohammad/Muhammed أحمد=Ahmad/Ahmed علي=Ali حسن=Hassan/Hasan "
    "حسين=Hussein/Husayn/Hussain/Husein عمر=Omar/Umar خالد=Khaled/Khalid عبد_الله=Abdullah/Abdallah/Abd_Allah/Abdulla "
    "عبد_الرحمن=Abdul_Rahman/Abd_al-Rahman/Abdulrahman/Abdel_Rahman عبد_العزيز=Abdulaziz/Abd_al-Aziz/Abdelaziz "
    "إبراهيم=Ibrahim/Ebrahim يوسف=Yusuf/Youssef/Yousef/Yousif مصطفى=Mustafa/Mostafa/Moustafa محمود=Mahmoud/Mahmud "
    "سعيد=Said/Saeed سامر=Samer فادي=Fadi/Fady رامي=Rami/Ramy ماهر=Maher/Mahir بشار=Bashar/Bachar حافظ=Hafez/Hafiz "
    "رفعت=Rifaat/Rifat/Refaat عماد=Imad/Emad وليد=Walid/Waleed طارق=Tarek/Tariq/Tarik فيصل=Faisal/Faysal "
    "جمال=Jamal/Gamal/Djamal كمال=Kamal/Kamel نبيل=Nabil/Nabeel عادل=Adel/Adil أيمن=Ayman/Aiman "
    "زهير=Zuhair/Zouhair/Zuhayr منذر=Munzer/Mundhir/Mounzer قاسم=Qasim/Kassem/Qassem/Kasim جميل=Jamil/Jameel "
    "سليمان=Suleiman/Sulayman/Soleiman عثمان=Othman/Uthman/Osman حمزة=Hamza/Hamzah صالح=Saleh/Salih "
    "ناصر=Nasser/Nasir/Naser منصور=Mansour/Mansur حامد=Hamed/Hamid رشيد=Rashid/Rachid/Rasheed مجيد=Majid/Majeed "
    "عامر=Amer/Aamer أنور=Anwar/Anouar فراس=Firas/Feras غسان=Ghassan هاني=Hani/Hany مازن=Mazen/Mazin "
    "باسل=Basil/Bassel/Basel نزار=Nizar/Nezar ياسر=Yasser/Yasir/Yaser عدنان=Adnan عصام=Issam/Essam "
    "هشام=Hisham/Hicham أسامة=Osama/Usama/Oussama زياد=Ziad/Ziyad توفيق=Tawfiq/Tawfik/Toufik قصي=Qusay/Qusai "
    "عدي=Uday/Odai معمر=Muammar/Moammar سيف=Saif/Sayf/Seif عبد_الكريم=Abdul_Karim/Abd_al-Karim/Abdelkarim "
    "عبد_الحميد=Abdul_Hamid/Abdelhamid/Abd_al-Hamid عبد_الرزاق=Abdul_Razzaq/Abdelrazak/Abd_al-Razzaq مروان=Marwan "
    "سمير=Samir/Sameer وائل=Wael/Wail إياد=Iyad/Eyad"
)
ARABIC_FEMALE = _script_spellings(
    "فاطمة=Fatima/Fatimah/Fatma عائشة=Aisha/Aicha/Ayesha أسماء=Asma/Asmaa بشرى=Bushra/Bouchra "
    "زينب=Zainab/Zeinab/Zaynab مريم=Maryam/Mariam ليلى=Layla/Leila/Laila هدى=Huda/Houda رنا=Rana نور=Nour/Nur/Noor"
)
ARABIC_FAMILY = _script_spellings(  # a family name written with the article (ال) takes al-/el- in Latin
    "الأسد=Assad/Asad مخلوف=Makhlouf/Makhluf الخطيب=Khatib/Khateeb الحلبي=Halabi الدوري=Douri/Duri "
    "التكريتي=Tikriti الجبوري=Jubouri/Jiburi/Jabouri الزعبي=Zoubi/Zubi حداد=Haddad الشامي=Shami/Chami الحمد=Hamad "
    "الجابر=Jaber/Jabir القذافي=Qadhafi/Gaddafi/Kadhafi/Qaddafi المصري=Masri/Misri الحكيم=Hakim "
    "العبيدي=Obeidi/Ubaydi الراوي=Rawi الساعدي=Saadi/Saedi الخفاجي=Khafaji العمري=Omari/Umari "
    "الزبيدي=Zubaidi/Zoubaidi الحوثي=Houthi/Huthi الأحمر=Ahmar العولقي=Awlaki/Aulaqi الشريف=Sharif/Cherif "
    "الورفلي=Warfalli/Werfalli الترهوني=Tarhouni/Tarhuni شاليش=Shalish/Chalich حمشو=Hamsho/Hamshu فوز=Foz/Fawz "
    "قاطرجي=Katerji/Qaterji/Qatirji طلاس=Tlass/Tlas الحسن=Hassan/Hasan مملوك=Mamlouk/Mamluk الشعار=Shaar/Chaar "
    "خدام=Khaddam الأخرس=Akhras النوري=Nouri/Nuri الكبيسي=Kubaisi/Kobeisi الدليمي=Dulaimi/Duleimi "
    "الهاشمي=Hashimi/Hashemi الجنابي=Janabi المالكي=Maliki العاني=Ani الفلاحي=Fallahi السامرائي=Samarrai/Samarai "
    "البغدادي=Baghdadi الموصلي=Mousili/Musili القاسم=Qasim/Kassem المقريف=Magariaf/Megarif الزوي=Zway/Zawi "
    "السنوسي=Senussi/Sanusi العيساوي=Issawi/Aisawi الصوفي=Sufi/Soufi الريمي=Raymi/Rimi الوادعي=Wadi/Wadei "
    "الأنسي=Ansi/Anasi بن_علي=Ben_Ali/Benali الطرابلسي=Trabelsi/Tarabulsi بوزيد=Bouzid العزاوي=Azzawi/Azawi "
    "الجيلاني=Jilani/Gilani الكردي=Kurdi السيد=Sayed/Sayyid العلي=Ali اليمني=Yamani/Yemeni "
    "البرغوثي=Barghouti/Barghuthi الحسيني=Husseini/Husaini"
)
IRANIAN_MALE = _variants(
    "Mohammad/Mohammed/Muhammad Hossein/Hosein/Hussein Ali Reza Mohammad_Reza/Mohammadreza Ali_Akbar/Aliakbar "
    "Mahmoud/Mahmud Hassan/Hasan Mehdi/Mahdi Abbas Ahmad/Ahmed Qasem/Ghasem/Kasem Esmail/Ismail/Esmaeil Javad/Jawad "
    "Saeed/Said Hamid Mojtaba/Mujtaba Morteza/Mortaza Mostafa/Mustafa Amir Majid Masoud/Masud/Massoud "
    "Gholamreza/Gholam_Reza Yahya Rostam/Rustam Farhad Kazem/Kazim Hadi Amir_Ali/Amirali Abdolreza/Abdol_Reza "
    "Mohsen/Muhsin Behrouz/Behruz Davoud/Davud/Dawood Bahram Nasser/Naser Jafar/Jaafar Ebrahim/Ibrahim"
)
IRANIAN_FEMALE = _variants("Fatemeh/Fatima Zahra Maryam/Mariam Masoumeh/Masumeh Leila/Layla Shahla Parvin Azam")
IRANIAN_FAMILY = _variants(
    "Hosseini/Husseini/Hosaini Rezaei/Rezaie/Rezai Mohammadi/Mohammedi Ahmadi Karimi Jafari/Jaafari Ghasemi/Qasemi "
    "Rahimi Moradi Sadeghi/Sadeqi Hashemi Mousavi/Musavi/Moussavi Tehrani Shirazi Soleimani/Suleimani Salehi Jalili "
    "Vahidi Naqdi/Naghdi Dehghan/Dehqan Rahmani Safavi Abbasi Nejad/Nezhad Bagheri/Baqeri Kazemi Taghavi/Taqavi "
    "Zolfaghari/Zolfaqari Azizi Mohseni Fallahi Pakpour/Pakpur Jalali Asadi Kiani Heidari/Haidari/Heydari Nasiri "
    "Akbari Sharifi Amini Ebrahimi/Ibrahimi Hamedani Esfahani/Isfahani Tabrizi Mahdavi Nazari Ghorbani/Qorbani "
    "Yazdani Zarei Kamali Razavi Pourmohammadi/Pour-Mohammadi Alavi Mirzaei/Mirzai Hajizadeh/Haji_Zadeh "
    "Tavakoli/Tavakkoli Shamkhani Araghchi/Araqchi Bahonar Larijani Firouzabadi/Firuzabadi"
)
AFGHAN_GIVEN = _variants(
    "Abdul_Ghani/Abdulghani/Abd_al-Ghani Mohammad_Hassan/Muhammad_Hasan Sirajuddin/Siraj_ud-Din/Serajuddin "
    "Amir_Khan Abdul_Qadir/Abdul_Qader/Abdulqadir Mohammad_Yaqub/Muhammad_Yaqoob Khairullah/Khairulla "
    "Noorullah/Nurullah Gul_Agha Abdul_Baqi/Abdulbaqi Ahmad_Jan/Ahmed_Jan Mohammad_Omar/Muhammad_Umar "
    "Abdul_Hakim/Abdulhakim Hamdullah/Hamdulla Zabihullah/Zabiullah Shahabuddin/Shahab_ud-Din "
    "Fazel_Mohammad/Fazl_Muhammad Abdul_Salam/Abdussalam Najibullah/Najibulla Hafiz_Gul Rahmatullah/Rahmatulla "
    "Sher_Mohammad/Sher_Muhammad Din_Mohammad/Din_Muhammad"
)
AFGHAN_FAMILY = _variants(
    "Haqqani/Haqani Akhund/Akhoond Akhundzada/Akhundzadeh/Akhunzada Baradar/Biradar Muttaqi/Mottaqi Hanafi "
    "Noori/Nuri Zadran Mansour/Mansur Wardak/Wardag Ishaqzai/Ishaqzay Achakzai/Achekzai Popalzai/Popalzay "
    "Noorzai/Nurzai Alizai/Alizay Barakzai Kakar/Kakkar Mujahid/Mujahed Omari/Umari Tokhi Samadi Saqib/Saqeb "
    "Rahimi Hotak/Hotaki Khairkhwa/Khairkhah Stanikzai/Stanekzai Ahmadzai Niazi"
)
AFGHAN_TITLES = _words("Mullah Haji Mawlawi Qari")
KOREAN_FAMILY = _variants(
    "Kim/Gim Ri/Lee/Yi/Rhee Pak/Park/Bak Choe/Choi Jong/Chong/Jung Kang/Gang Cho/Jo Yun/Yoon Jang/Chang Han O/Oh "
    "Hwang Ryu/Yu Hong Jon/Chon/Jeon Ko/Go Mun/Moon Son Sin/Shin Paek/Baek Kwon/Gwon Ju/Chu Ryom/Yeom Kye "
    "Thae/Tae Pang/Bang Ra/Na"
)
KOREAN_SYLLABLES = _variants(
    "Chol/Cheol/Ch'ol Song/Seong Yong/Young/Yeong Hyok/Hyeok Myong/Myeong/Myung Kwang/Gwang Kyong/Kyung/Gyeong "
    "Hui/Hee Sok/Seok Jong/Jeong Chun/Choon Nam Il Ho Su/Soo Jin/Chin Hak Gun/Kun Hun Man Sun/Soon Ok "
    "Hyon/Hyeon/Hyun Ung/Eung Guk/Kuk Ryong/Ryeong Chang Dok/Deok Won Pyong/Pyeong U Sik/Shik Chan Kil/Gil "
    "Bom/Beom Un/Eun Hyang Sim Ae"
)
BURMESE_SYLLABLES = _variants(
    "Aung Min Hlaing Soe Win/Winn Than Shwe Myint/Myin Kyaw Thein Sein Tun/Htun Maung Zaw Oo Nyunt Tin Myo "
    "Naing/Nai Thant Zin Lwin Htay Khin Nyein Thura Ye Lin Zeya Thet Hla Mya Tha Khaing Moe Wai Phyo Pyae Wunna "
    "Kyi Nu San Htoo Sann Tint Swe Ohn"
)
WEST_AFRICAN_MALE = _variants(
    "Amadou/Ahmadou/Amadu Moussa/Musa Ibrahim/Ibrahima Ousmane/Usman Mamadou/Mamadu Abdoulaye/Abdullahi/Abdulaye "
    "Boubacar/Aboubacar/Boubakar Seydou/Seidou/Saidou Souleymane/Souleimane Cheick/Cheikh Modibo Adama "
    "Bakary/Bakari Oumar/Umar Idrissa Youssouf/Yusuf Alassane/Alhassane Issa Mahamat/Mahamad Sidiki Lassina "
    "Tiémoko/Tiemoko Assimi Malick/Malik Sadio Djibril/Jibril"
)
WEST_AFRICAN_FEMALE = _variants("Aminata Fatoumata/Fatimata Mariam/Mariame Kadiatou Awa Oumou")
WEST_AFRICAN_FAMILY = _variants(
    "Traoré/Traore Koné/Kone Diallo/Djalo Coulibaly/Kulibali Keïta/Keita Sissoko/Cissoko Cissé/Cisse Touré/Toure "
    "Camara/Kamara Sangaré/Sangare Doumbia/Dumbia Diarra/Jarra Konaté/Konate Sidibé/Sidibe Bah/Ba Sow Barry "
    "Condé/Conde Maïga/Maiga Dicko Goïta/Goita Sanogo Doumbouya/Dumbuya Bamba Ouattara/Wattara Sylla/Silla "
    "Kaboré/Kabore Diakité/Diakite Dembélé/Dembele Ag_Ghaly/Ag_Ghali Djotodia Bozizé/Bozize Ngaïkosset/Ngaikosset"
)
BALKAN_MALE = _words(
    "Dragan Milorad Nenad Zoran Goran Slobodan Radovan Ratko Momčilo Željko Dušan Milan Vojislav Ljubiša Stojan "
    "Predrag Miroslav Branislav Božidar Veselin Mladen Radoslav Nebojša Srđan Aleksandar Vladimir Nikola Marko"
)
BALKAN_FEMALE = _words("Biljana Dragana Jelena Snežana Vesna Milica")
BALKAN_FAMILY = _words(
    "Petrović Jovanović Nikolić Marković Đorđević Stojanović Ilić Stanković Pavlović Milošević Đukić Tadić "
    "Kovačević Babić Simić Stanišić Lukić Vasiljević Perišić Radić Kostić Savić Popović Mitrović Živković "
    "Todorović Ristić Obradović Lazić Milić Karanović Mijatović Vučković Đurić Janković Bogdanović Čolić"
)
LATIN_MALE = _words(
    "José Juan Carlos Luis Jorge Pedro Diosdado Nicolás Tareck Néstor Freddy Gustavo Rafael Hugo Miguel Antonio "
    "Manuel Francisco Alexis Vladimir Remigio Maikel Ramón Julio Edgar Óscar"
)
LATIN_FEMALE = _words("Delcy María Carmen Rosa Cilia Tibisay Iris Rosario Tania Gladys")
LATIN_FAMILY = _words(
    "González Rodríguez Pérez Hernández García Martínez López Sánchez Ramírez Torres Flores Rivera Gómez Díaz "
    "Reyes Morales Cabello Rondón Padrino Reverol Bernal Moros Rangel Vielma Mora Carreño Benavides Medina Chacón "
    "Velásquez Arias Ortiz Castillo Zambrano Guevara Urbina Aguirre Murillo Ortega"
)
SERBIAN_CYRILLIC = _letters(
    "lj=љ nj=њ dž=џ a=а b=б v=в g=г d=д đ=ђ e=е ž=ж z=з i=и j=ј k=к l=л m=м n=н o=о p=п r=р s=с t=т ć=ћ u=у f=ф "
    "h=х c=ц č=ч š=ш"
)
BALKAN_ENGLISH = _letters("ć=ch č=ch đ=dj š=sh ž=zh")
BALKAN_GERMAN = _letters("ć=tsch č=tsch đ=dj š=sch ž=sch")

# --- organisations -------------------------------------------------------------------------------------------------

RU_STEM_HEADS = _words(
    "Рос Сов Газ Нефть Пром Тех Строй Маш Авиа Энерго Транс Сиб Урал Волга Балт Арк Спец Мет Хим Агро Радио Электро "
    "Вест Даль Кама Севмор Юг Оборон Приб Станко Лес Зерно"
)
RU_STEM_TAILS = _words(
    "инвест сервис тех пром экспорт флот комплект строй снаб маш трейд групп холдинг проект логистик энерго систем "
    "ресурс оборон прибор завод монтаж импорт транс нефть газ сталь"
)
RU_LEGAL = (("ООО", "OOO", "LLC"), ("АО", "AO", "JSC"), ("ПАО", "PAO", "PJSC"), ("ЗАО", "ZAO", "CJSC"))
WORLD_STEMS = _words(
    "Al-Nakhil Al-Safa Al-Rahma Al-Furat Sham Al-Amal Al-Noor Al-Huda Al-Baraka Al-Rashid Al-Wafa Khatam Sepehr "
    "Pars Kish Mahan Qods Behran Bandar Arya Kavir Damavand Zagros Dena Sahand Alborz Tabriz Marzband Sarvak "
    "Golden_Crescent Blue_Horizon Orient_Star Silk_Road Eastern_Pearl Gulf_Star Caspian Hormuz Levant Euphrates "
    "Tigris Oasis Sahara"
)
WORLD_SECTORS = _phrases(
    "Trading LLC | Shipping Company | General Trading FZE | Petroleum Company | Industries Group | Exchange Company | "
    "Shipping Lines | Trading Company Limited | Engineering Company | Investment Group | Logistics FZCO | "
    "Marine Services LLC | Oil and Gas Company | Technology Company | Aviation Services"
)
WORLD_PROGRAMMES = _pairs("IRN=IR SYR=SY IRN=AE RUS=AE IRQ=IQ LBY=LY YEM=YE RUS=TR")
KOREAN_STEMS = _words(
    "Ryonbong Tangun Kumgang Paektusan Haegumgang Mirim Ryugyong Sobaeksu Chonsong Namgang Hyoksin Kwangmyong Unha "
    "Sinhung Amnokgang Taesong Chongchongang Kangbong Sungri Mansudae Chosun Rungra Hana Ryongaksan Pugang Kombyol"
)
KOREAN_SECTORS = _phrases("Trading Corporation | General Corporation | Shipping Company | Trading Company | Bank")
BURMESE_STEMS = _words("Ruby Jade Gems Economic Timber Pearl Shwe Htoo Yadanar Thitsar Aung_Myint Zaykabar Myawaddy")
BURMESE_SECTORS = _phrases("Enterprise | Company Limited | Holdings Limited | Group | Trading Company Limited")

# --- programmes ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Origin:
    weight: int
    programmes: tuple[str, ...]
    nationalities: tuple[str, ...]
    names: Callable[[random.Random], list[str]]  # primary first, then aliases


PROGRAMME_START = {
    programme: date.fromisoformat(day)
    for programme, day in _pairs(
        "RUS=2014-03-17 UKR=2014-03-17 BLR=2011-01-31 SYR=2011-05-09 IRQ=2003-07-07 LBY=2011-02-28 YEM=2014-12-18 "
        "IRN=2011-04-12 PRK=2009-07-27 MMR=2018-04-26 MLI=2017-12-07 GIN=2009-12-22 CAF=2014-05-09 BIH=2011-03-21 "
        "VEN=2017-11-13 NIC=2019-10-14 AFG=2011-06-17 AQ=2002-05-27"
    )
}


def _pick(rng: random.Random, options: Sequence[T]) -> T:
    return options[rng.randrange(len(options))]


def _spelling(rng: random.Random, spellings: Sequence[str], *, primary: bool) -> str:
    """The first spelling more often in primary names (lists tend to one form), any spelling in aliases."""
    if primary and rng.random() < 0.5:
        return spellings[0]
    return _pick(rng, spellings)


def _aliases(primary: str, candidates: Iterator[str], most: int) -> list[str]:
    """The primary name and up to `most` distinct aliases (distinct also from one another)."""
    names = [primary]
    seen = {primary.casefold()}
    for candidate in candidates:
        if len(names) > most:
            break
        if candidate.casefold() not in seen:
            names.append(candidate)
            seen.add(candidate.casefold())
    return names


def _alias_count(rng: random.Random) -> int:
    return rng.choices((0, 1, 2, 3), weights=(15, 40, 30, 15))[0]


def _slavic_names(
    rng: random.Random, given: str, patronymic: str | None, family: str, schemes: Sequence[_Scheme], cyrillic: str
) -> list[str]:
    words = [given, *([patronymic] if patronymic else []), family]
    order = list(range(len(schemes)))
    rng.shuffle(order)
    primary = " ".join(schemes[order[0]].name(w) for w in words)

    def candidates() -> Iterator[str]:
        for index in order[1:]:
            yield " ".join(schemes[index].name(w) for w in words)
            if rng.random() < 0.3:  # schemes mixed within one alias, as lists have them
                yield " ".join(_pick(rng, schemes).name(w) for w in words)
        if rng.random() < 0.2:
            yield " ".join(schemes[order[0]].name(w) for w in [words[-1], *words[:-1]])

    names = _aliases(primary, candidates(), _alias_count(rng))
    if rng.random() < 0.4:
        names.append(cyrillic)
    return names


def _female_family(family: str) -> str:
    for ending, feminine in (("ский", "ская"), ("цкий", "цкая"), ("ской", "ская"), ("ой", "ая")):
        if family.endswith(ending):
            return family[: -len(ending)] + feminine
    if family.endswith(("ов", "ев", "ёв", "ин", "ын")):
        return family + "а"
    return family


def _russian(rng: random.Random) -> list[str]:
    female = rng.random() < 0.2
    given = _pick(rng, RU_FEMALE if female else RU_MALE)
    patronymic = _pick(rng, RU_PATRONYMICS)
    family = _pick(rng, RU_FAMILY)
    if female:
        patronymic = patronymic.replace("вич", "вна")
        family = _female_family(family)
    patronymic_or_none = patronymic if rng.random() < 0.85 else None
    cyrillic = " ".join([given, *([patronymic_or_none] if patronymic_or_none else []), family])
    schemes = list(RUSSIAN_SCHEMES.values())
    return _slavic_names(rng, given, patronymic_or_none, family, schemes, cyrillic)


def _ukrainian(rng: random.Random) -> list[str]:
    female = rng.random() < 0.2
    given = _pick(rng, UA_FEMALE if female else UA_MALE)
    patronymic = _pick(rng, UA_PATRONYMICS)
    family = _pick(rng, UA_FAMILY)
    if female:
        patronymic = patronymic.replace("ович", "івна").replace("йівна", "ївна")
        family = _female_family(family)
    patronymic_or_none = patronymic if rng.random() < 0.8 else None
    cyrillic = " ".join([given, *([patronymic_or_none] if patronymic_or_none else []), family])
    schemes = [*UKRAINIAN_SCHEMES.values(), RUSSIAN_SCHEMES["passport"]]
    return _slavic_names(rng, given, patronymic_or_none, family, schemes, cyrillic)


def _belarusian(rng: random.Random) -> list[str]:
    female = rng.random() < 0.2
    given_by, given_ru = _pick(rng, BY_FEMALE if female else BY_MALE)
    family_by, family_ru = _pick(rng, BY_FAMILY)
    if female:
        family_by, family_ru = _female_family(family_by), _female_family(family_ru)
    primary = f"{BELARUSIAN_SCHEME.name(given_by)} {BELARUSIAN_SCHEME.name(family_by)}"
    patronymic = _pick(rng, RU_PATRONYMICS)
    if female:
        patronymic = patronymic.replace("вич", "вна")
    russian = [given_ru, patronymic, family_ru] if rng.random() < 0.6 else [given_ru, family_ru]

    def candidates() -> Iterator[str]:
        yield " ".join(RUSSIAN_SCHEMES["passport"].name(w) for w in russian)
        yield " ".join(RUSSIAN_SCHEMES["bgn"].name(w) for w in russian)
        yield f"{RUSSIAN_SCHEMES['english'].name(given_by)} {RUSSIAN_SCHEMES['english'].name(family_by)}"

    names = _aliases(primary, candidates(), max(1, _alias_count(rng)))
    if rng.random() < 0.4:
        names.append(f"{given_by} {family_by}")
    return names


def _article(rng: random.Random, *, primary: bool) -> str:
    styles = ("al-", "Al-", "el-", "Al ", "")
    weights = (60, 20, 10, 10, 0) if primary else (35, 15, 20, 10, 20)
    return rng.choices(styles, weights=weights)[0]


def _arabic(rng: random.Random) -> list[str]:
    female = rng.random() < 0.12
    first = _pick(rng, ARABIC_FEMALE if female else ARABIC_GIVEN)
    middle_count = rng.choices((0, 1, 2), weights=(35, 45, 20))[0]
    middles = [_pick(rng, ARABIC_GIVEN) for _ in range(middle_count)]
    family_script, family_spellings = _pick(rng, ARABIC_FAMILY)
    has_article = family_script.startswith("ال")
    given = [first, *middles]

    def render(*, primary: bool, keep_middles: bool = True, connector: bool = False) -> str:
        words = [_spelling(rng, spellings.split("/"), primary=primary).replace("_", " ") for _, spellings in given]
        if not keep_middles:
            words = words[:1]
        elif connector and len(words) > 1:
            words.insert(1, "bin")
        family = _spelling(rng, family_spellings.split("/"), primary=primary).replace("_", " ")
        article = _article(rng, primary=primary) if has_article else ""
        return " ".join([*words, f"{article}{family}"])

    def candidates() -> Iterator[str]:
        yield render(primary=False)
        if middles and rng.random() < 0.5:
            yield render(primary=False, keep_middles=False)
        if middles and rng.random() < 0.2:
            yield render(primary=False, connector=True)
        yield render(primary=False)

    names = _aliases(render(primary=True), candidates(), _alias_count(rng))
    if rng.random() < 0.3:
        names.append(" ".join([*(script for script, _ in given), family_script]))
    return names


def _variant_names(rng: random.Random, words: Sequence[Sequence[str]], most: int) -> list[str]:
    """A primary from the first spellings (mostly) and aliases from other spellings of the same words."""

    def render(*, primary: bool) -> str:
        return " ".join(_spelling(rng, spellings, primary=primary) for spellings in words).replace("_", " ")

    def candidates() -> Iterator[str]:
        for _ in range(4):
            yield render(primary=False)

    return _aliases(render(primary=True), candidates(), most)


def _iranian(rng: random.Random) -> list[str]:
    given = _pick(rng, IRANIAN_FEMALE if rng.random() < 0.1 else IRANIAN_MALE)
    words = [given, _pick(rng, IRANIAN_FAMILY)]
    return _variant_names(rng, words, _alias_count(rng))


def _afghan(rng: random.Random) -> list[str]:
    words = [_pick(rng, AFGHAN_GIVEN), _pick(rng, AFGHAN_FAMILY)]
    names = _variant_names(rng, words, _alias_count(rng))
    if rng.random() < 0.3:
        names[0] = f"{_pick(rng, AFGHAN_TITLES)} {names[0]}"
    return names


def _korean(rng: random.Random) -> list[str]:
    family = _pick(rng, KOREAN_FAMILY)
    first, second = (_pick(rng, KOREAN_SYLLABLES) for _ in range(2))
    primary = f"{family[0]} {first[0]} {second[0]}"

    def candidates() -> Iterator[str]:
        yield f"{family[0]} {first[0]}-{second[0].lower()}"
        yield f"{_pick(rng, family)} {_pick(rng, first)} {_pick(rng, second)}"
        yield f"{_pick(rng, family)} {_pick(rng, first)}{_pick(rng, second).lower()}"

    return _aliases(primary, candidates(), _alias_count(rng))


def _burmese(rng: random.Random) -> list[str]:
    count = rng.choices((2, 3, 4), weights=(35, 50, 15))[0]
    words = [_pick(rng, BURMESE_SYLLABLES) for _ in range(count)]
    names = _variant_names(rng, words, _alias_count(rng))
    if rng.random() < 0.3:
        names.append(f"U {names[0]}")
    return names


def _west_african(rng: random.Random) -> list[str]:
    given = _pick(rng, WEST_AFRICAN_FEMALE if rng.random() < 0.1 else WEST_AFRICAN_MALE)
    words = [given, _pick(rng, WEST_AFRICAN_FAMILY)]
    if rng.random() < 0.25:
        words.insert(1, _pick(rng, WEST_AFRICAN_MALE))
    names = _variant_names(rng, words, _alias_count(rng))
    return _aliases(names[0], iter([*names[1:], anyascii(names[0])]), len(names))


def _balkan(rng: random.Random) -> list[str]:
    female = rng.random() < 0.15
    given = _pick(rng, BALKAN_FEMALE if female else BALKAN_MALE)
    family = _pick(rng, BALKAN_FAMILY)
    primary = f"{given} {family}"

    def spelled(table: dict[str, str]) -> str:
        return "".join(_respell(char, table) for char in primary)

    def candidates() -> Iterator[str]:
        yield anyascii(primary)
        yield spelled(BALKAN_ENGLISH)
        yield spelled(BALKAN_GERMAN)

    names = _aliases(primary, candidates(), max(1, _alias_count(rng)))
    if rng.random() < 0.25:
        names.append(_serbian_cyrillic(primary))
    return names


def _respell(char: str, table: dict[str, str]) -> str:
    if char in table:
        return table[char]
    if char.lower() in table:
        return table[char.lower()].capitalize()
    return char


def _serbian_cyrillic(latin: str) -> str:
    out = []
    index = 0
    while index < len(latin):
        pair = latin[index : index + 2]
        if pair.lower() in SERBIAN_CYRILLIC:
            letter = SERBIAN_CYRILLIC[pair.lower()]
            index += 2
        else:
            letter = SERBIAN_CYRILLIC.get(latin[index].lower(), latin[index])
            index += 1
        out.append(letter.upper() if pair[:1].isupper() else letter)
    return "".join(out)


def _latin_american(rng: random.Random) -> list[str]:
    female = rng.random() < 0.2
    pool = LATIN_FEMALE if female else LATIN_MALE
    given = [_pick(rng, pool) for _ in range(rng.choices((1, 2), weights=(60, 40))[0])]
    paternal, maternal = _pick(rng, LATIN_FAMILY), _pick(rng, LATIN_FAMILY)
    primary = " ".join([*given, paternal, maternal])
    names = _aliases(
        primary,
        iter([anyascii(primary), " ".join([given[0], paternal]), anyascii(" ".join([*given, paternal]))]),
        max(1, _alias_count(rng)),
    )
    return names


PERSON_ORIGINS: tuple[_Origin, ...] = (
    _Origin(33, ("RUS",) * 9 + ("UKR",), ("RU",), _russian),
    _Origin(8, ("UKR", "RUS"), ("UA",), _ukrainian),
    _Origin(6, ("BLR",), ("BY",), _belarusian),
    _Origin(10, ("SYR",), ("SY",), _arabic),
    _Origin(4, ("IRQ",), ("IQ",), _arabic),
    _Origin(3, ("LBY",), ("LY",), _arabic),
    _Origin(2, ("YEM",), ("YE",), _arabic),
    _Origin(3, ("AQ",), ("IQ", "SY", "TN", "MA", "DZ", "SA", "JO", "EG", "LY"), _arabic),
    _Origin(8, ("IRN",), ("IR",), _iranian),
    _Origin(3, ("AFG",), ("AF",), _afghan),
    _Origin(6, ("PRK",), ("KP",), _korean),
    _Origin(5, ("MMR",), ("MM",), _burmese),
    _Origin(5, ("MLI", "GIN", "CAF"), ("ML", "GN", "CF", "BF", "NE"), _west_african),
    _Origin(3, ("BIH",), ("BA", "RS"), _balkan),
    _Origin(3, ("VEN", "NIC"), ("VE", "NI"), _latin_american),
)


def _russian_entity(rng: random.Random) -> tuple[list[str], str, str]:
    stem = _pick(rng, RU_STEM_HEADS) + _pick(rng, RU_STEM_TAILS)
    cyr_form, latin_form, english_form = _pick(rng, RU_LEGAL)
    scheme = _pick(rng, list(RUSSIAN_SCHEMES.values()))
    latin = scheme.word(stem)
    primary = rng.choice((f"{latin_form} {latin}", f"{latin} {english_form}", f'{latin_form} "{latin}"'))
    names = _aliases(
        primary,
        iter([f"{latin} {english_form}", f"{RUSSIAN_SCHEMES['passport'].word(stem)}", f"{latin_form} {latin}"]),
        _alias_count(rng),
    )
    if rng.random() < 0.5:
        names.append(f"{cyr_form} «{stem}»")
    return names, _pick(rng, ("RUS", "RUS", "RUS", "BLR")), "RU"


def _world_entity(rng: random.Random) -> tuple[list[str], str, str]:
    stem = _pick(rng, WORLD_STEMS).replace("_", " ")
    if rng.random() < 0.4:
        stem = f"{stem} {_pick(rng, WORLD_STEMS).replace('_', ' ').replace('Al-', '')}"
    sector = _pick(rng, WORLD_SECTORS)
    primary = f"{stem} {sector}"
    short_sector = " ".join(word for word in sector.split() if word not in {"LLC", "FZE", "FZCO", "Limited"})
    names = _aliases(
        primary,
        iter([f"{stem} {short_sector}", f"{stem.replace('Al-', 'El-')} {sector}", f"{stem} Co."]),
        _alias_count(rng),
    )
    programme, country = _pick(rng, WORLD_PROGRAMMES)
    return names, programme, country


def _korean_entity(rng: random.Random) -> tuple[list[str], str, str]:
    stem = _pick(rng, KOREAN_STEMS)
    sector = _pick(rng, KOREAN_SECTORS)
    primary = f"Korea {stem} {sector}" if rng.random() < 0.5 else f"{stem} {sector}"
    names = _aliases(primary, iter([f"{stem} {sector}", f"Korea {stem} Corporation"]), _alias_count(rng))
    return names, "PRK", "KP"


def _burmese_entity(rng: random.Random) -> tuple[list[str], str, str]:
    stem = _pick(rng, BURMESE_STEMS).replace("_", " ")
    sector = _pick(rng, BURMESE_SECTORS)
    primary = f"Myanma {stem} {sector}" if rng.random() < 0.4 else f"{stem} {sector}"
    names = _aliases(primary, iter([f"{stem} {sector}", f"{stem} Co. Ltd."]), _alias_count(rng))
    return names, "MMR", "MM"


ENTITY_ORIGINS: tuple[tuple[int, Callable[[random.Random], tuple[list[str], str, str]]], ...] = (
    (60, _russian_entity),
    (30, _world_entity),
    (5, _korean_entity),
    (5, _burmese_entity),
)

# --- entries -------------------------------------------------------------------------------------------------------


def _birth_dates(rng: random.Random) -> list[str]:
    shape = rng.choices(("none", "year", "one", "several"), weights=(12, 10, 60, 18))[0]
    if shape == "none":
        return []
    year = rng.randint(1945, 1998)
    if shape == "year":
        return [str(year)]
    first = date(year, 1, 1) + timedelta(days=rng.randrange(365))
    dates = [first.isoformat()]
    if shape == "several":
        for _ in range(rng.randint(1, 2)):
            if rng.random() < 0.5:
                dates.append(str(year + rng.choice((-1, 1))))
            else:
                dates.append((date(year + rng.randint(-2, 2), 1, 1) + timedelta(days=rng.randrange(365))).isoformat())
    return list(dict.fromkeys(dates))


def _listed_on(rng: random.Random, programme: str, as_of: date) -> date:
    start = min(PROGRAMME_START.get(programme, date(2010, 1, 1)), as_of)
    return start + timedelta(days=rng.randrange((as_of - start).days + 1))


def _nationalities(rng: random.Random, options: Sequence[str]) -> list[str]:
    if rng.random() < 0.1:
        return []
    return [_pick(rng, options)]


def generate_entries(
    *, seed: int = 20261125, as_of: date = date(2026, 11, 25), entries: int = 12_000
) -> list[SanctionsEntry]:
    """The list in memory: the planted entries and `entries` minus their number generated ones, ordered by id."""
    rng = random.Random(seed)  # noqa: S311 - synthetic data, not security
    planted = list(PLANTED_SANCTIONS.values())
    to_make = max(entries - len(planted), 0)
    entity_count = round(to_make * ENTITY_SHARE)
    seen = {fold(name) for entry in planted for name in entry.names}
    made: list[SanctionsEntry] = []
    serial = 1000
    kinds = ["entity"] * entity_count + ["person"] * (to_make - entity_count)
    rng.shuffle(kinds)
    for kind in kinds:
        for _ in range(50):  # a new primary name, not one already listed
            names, programme, nationality_options = _draw(rng, kind)
            if fold(names[0]) not in seen:
                break
        seen.add(fold(names[0]))
        serial += rng.randint(1, 20)
        made.append(
            SanctionsEntry(
                id=f"EU.{serial}.{rng.randint(10, 99)}",
                kind=kind,
                names=names,
                birth_dates=_birth_dates(rng) if kind == "person" else [],
                nationalities=_nationalities(rng, nationality_options),
                programme=programme,
                listed_on=_listed_on(rng, programme, as_of),
            )
        )
    return planted + made


def _draw(rng: random.Random, kind: str) -> tuple[list[str], str, tuple[str, ...]]:
    if kind == "person":
        origin = rng.choices(PERSON_ORIGINS, weights=[o.weight for o in PERSON_ORIGINS])[0]
        return origin.names(rng), _pick(rng, origin.programmes), origin.nationalities
    make = rng.choices([m for _, m in ENTITY_ORIGINS], weights=[w for w, _ in ENTITY_ORIGINS])[0]
    names, programme, country = make(rng)
    return names, programme, (country,)


def write_sanctions_list(out_dir: Path, entries: Sequence[SanctionsEntry]) -> Path:
    """Write `sanctions.jsonl.gz`: one entry per line, keys sorted, gzip without a timestamp (byte-identical)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / FILE_NAME
    with path.open("wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as out:
        for entry in entries:
            line = json.dumps(entry.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
            out.write(line.encode("utf-8") + b"\n")
    return path


def read_sanctions_list(path: Path) -> list[SanctionsEntry]:
    """Read a `sanctions.jsonl.gz` (or a directory holding one)."""
    if path.is_dir():
        path = path / FILE_NAME
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        return [SanctionsEntry.model_validate_json(line) for line in lines if line.strip()]


def generate_sanctions_list(
    out_dir: Path, *, seed: int = 20261125, as_of: date = date(2026, 11, 25), entries: int = 12_000
) -> dict[str, int]:
    """Generate the list and write it to `out_dir/sanctions.jsonl.gz`; returns `{"sanctions": number of entries}`."""
    made = generate_entries(seed=seed, as_of=as_of, entries=entries)
    write_sanctions_list(out_dir, made)
    return {"sanctions": len(made)}
