"""GeoNames first-level divisions of Armenia and Azerbaijan, by admin1 code.

One table for every builder: the gazetteer names each place's province or
rayon with it, and the boundary build names district faces with it, so a
district is spelt the same in places and in layers.
"""

# GeoNames admin1 codes -> names (GeoNames admin1CodesASCII). Armenia: provinces (marzer);
# Azerbaijan: rayons and cities of republican subordination.
ADMIN1: dict[str, dict[str, str]] = {
    "AM": {
        "01": "Aragatsotn", "02": "Ararat", "03": "Armavir", "04": "Gegharkunik", "05": "Kotayk",
        "06": "Lori", "07": "Shirak", "08": "Syunik", "09": "Tavush", "10": "Vayots Dzor",
        "11": "Yerevan",
    },
    "AZ": {
        "01": "Absheron", "02": "Aghjabadi", "03": "Aghdam", "04": "Aghdash", "05": "Aghstafa",
        "06": "Aghsu", "07": "Shirvan", "08": "Astara", "09": "Baku", "10": "Balakan",
        "11": "Barda", "12": "Beylagan", "13": "Bilasuvar", "14": "Jabrayil", "15": "Jalilabad",
        "16": "Dashkasan", "17": "Shabran", "18": "Fuzuli", "19": "Gadabay", "20": "Ganja",
        "21": "Goranboy", "22": "Goychay", "23": "Hajigabul", "24": "Imishli", "25": "Ismayilli",
        "26": "Kalbajar", "27": "Kurdamir", "28": "Lachin", "29": "Lankaran", "30": "Lankaran",
        "31": "Lerik", "32": "Masally", "33": "Mingachevir", "34": "Naftalan", "35": "Nakhchivan",
        "36": "Neftchala", "37": "Oghuz", "38": "Gabala", "39": "Gakh", "40": "Gazakh",
        "41": "Gobustan", "42": "Guba", "43": "Qubadli", "44": "Gusar", "45": "Saatly",
        "46": "Sabirabad", "47": "Shaki", "48": "Shaki", "49": "Salyan", "50": "Shamakhi",
        "51": "Shamkir", "52": "Samukh", "53": "Siyazan", "54": "Sumgait", "55": "Shusha",
        "56": "Shusha", "57": "Tartar", "58": "Tovuz", "59": "Ujar", "60": "Khachmaz",
        "61": "Khankendi", "62": "Goygol", "63": "Khizi", "64": "Khojaly", "65": "Khojavend",
        "66": "Yardimli", "67": "Yevlakh", "68": "Yevlakh", "69": "Zangilan", "70": "Zagatala",
        "71": "Zardab",
    },
}

#: The seven districts around the former oblast (held by Armenian forces 1994-2020).
SURROUNDING_DISTRICTS: tuple[str, ...] = (
    "Aghdam", "Fuzuli", "Jabrayil", "Zangilan", "Qubadli", "Lachin", "Kalbajar",
)
