// Country (ISO 3166-1 alpha-2) -> continent code, the fallback when no region lists a country.
// Continents: AF Africa, AN Antarctica, AS Asia, EU Europe, NA North America (with Central
// America and the Caribbean), OC Oceania, SA South America. Transcontinental countries are
// placed where their population centre is (RU, TR, KZ: EU/AS by convention below; EG: AF).

const TABLE: Record<string, string> = {
  SA: "AR BO BR CL CO EC FK GF GY PE PY SR UY VE",
  NA: "AG AI AW BB BL BM BQ BS BZ CA CR CU CW DM DO GD GL GP GT HN HT JM KN KY LC MF MQ MS MX NI " +
    "PA PM PR SV SX TC TT US VC VG VI",
  EU: "AD AL AT AX BA BE BG BY CH CY CZ DE DK EE ES FI FO FR GB GG GI GR HR HU IE IM IS IT JE LI " +
    "LT LU LV MC MD ME MK MT NL NO PL PT RO RS RU SE SI SJ SK SM UA VA XK",
  AS: "AE AF AM AZ BD BH BN BT CN GE HK ID IL IN IQ IR JO JP KG KH KP KR KW KZ LA LB LK MM MN MO " +
    "MV MY NP OM PH PK PS QA SA SG SY TH TJ TL TM TR TW UZ VN YE",
  AF: "AO BF BI BJ BW CD CF CG CI CM CV DJ DZ EG EH ER ET GA GH GM GN GQ GW KE KM LR LS LY MA MG " +
    "ML MR MU MW MZ NA NE NG RE RW SC SD SH SL SN SO SS ST SZ TD TG TN TZ UG YT ZA ZM ZW",
  OC: "AS AU CK FJ FM GU KI MH MP NC NF NR NU NZ PF PG PN PW SB TK TO TV UM VU WF WS",
  AN: "AQ BV GS HM TF",
};

export const CONTINENT_OF: ReadonlyMap<string, string> = new Map(
  Object.entries(TABLE).flatMap(([continent, list]) =>
    list.split(" ").map((country) => [country, continent] as [string, string])
  ),
);

export const CONTINENTS: ReadonlySet<string> = new Set(Object.keys(TABLE));
