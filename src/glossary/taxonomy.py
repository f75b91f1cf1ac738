"""The directive's 5 categories and 22 priority domains: a closed set.

Term files must use these slugs (plus ``general``); the JSON Schema shipped in
``glossary/schema`` lists the same ones, and a test keeps the two in step.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Category:
    slug: str
    number: str  # the directive's own numbering: (一) … (五)
    zh: str
    fr: str


@dataclass(frozen=True, slots=True)
class Domain:
    slug: str
    category: str
    zh: str
    fr: str


GENERAL = "general"

CATEGORIES: tuple[Category, ...] = (
    Category("new-fields", "(一)", "打造一批新领域新赛道应用场景",
             "Créer des scénarios d'application dans de nouveaux domaines et nouvelles pistes"),
    Category("industry-upgrade", "(二)", "建设一批产业转型升级的新业态应用场景",
             "Construire des scénarios de nouveaux modèles économiques pour la transformation "
             "et mise à niveau industrielles"),
    Category("sectoral", "(三)", "推出一批行业领域应用场景",
             "Lancer une série de scénarios d'application sectoriels"),
    Category("governance", "(四)", "创新社会治理服务综合性应用场景",
             "Innover dans les scénarios d'application complets pour les services de gouvernance sociale"),
    Category("livelihood", "(五)", "丰富民生领域应用场景",
             "Enrichir les scénarios d'application dans les domaines de subsistance"),
)

DOMAINS: tuple[Domain, ...] = (
    Domain("digital-economy", "new-fields", "数字经济领域", "Économie numérique"),
    Domain("artificial-intelligence", "new-fields", "人工智能领域", "Intelligence artificielle"),
    Domain("unmanned-systems", "new-fields", "全空间无人体系", "Systèmes sans pilote multi-domaines"),
    Domain("biotechnology", "new-fields", "生物技术领域", "Biotechnologies"),
    Domain("clean-energy", "new-fields", "清洁能源领域", "Énergies propres"),
    Domain("ocean-development", "new-fields", "海洋开发领域", "Développement océanique"),
    Domain("manufacturing", "industry-upgrade", "制造业领域", "Secteur manufacturier"),
    Domain("transport", "industry-upgrade", "交通运输领域", "Transport"),
    Domain("smart-logistics", "industry-upgrade", "智慧物流领域", "Logistique intelligente"),
    Domain("modern-agriculture", "industry-upgrade", "现代农业领域", "Agriculture moderne"),
    Domain("emergency-management", "sectoral", "应急管理领域", "Gestion des urgences"),
    Domain("mine-safety", "sectoral", "矿山安全领域", "Sécurité minière"),
    Domain("smart-water", "sectoral", "智慧水利领域", "Hydraulique intelligente"),
    Domain("construction-safety", "sectoral", "施工安全领域", "Sécurité des chantiers"),
    Domain("forestry-grassland", "sectoral", "林业草原领域", "Forêts et prairies"),
    Domain("government-services", "governance", "政务服务领域", "Services gouvernementaux"),
    Domain("smart-cities", "governance", "智慧城市领域", "Villes intelligentes"),
    Domain("rural-development", "governance", "乡村建设领域", "Construction rurale"),
    Domain("health", "livelihood", "医疗卫生领域", "Santé médicale"),
    Domain("elderly-disability-childcare", "livelihood", "养老助残托育领域",
           "Services aux personnes âgées, handicapées et garde d'enfants"),
    Domain("culture-tourism", "livelihood", "文化和旅游领域", "Culture et tourisme"),
    Domain("cross-sector-consumption", "livelihood", "跨界融合消费领域", "Consommation intersectorielle"),
)

CATEGORY_SLUGS: tuple[str, ...] = (GENERAL, *(c.slug for c in CATEGORIES))
DOMAIN_SLUGS: tuple[str, ...] = (GENERAL, *(d.slug for d in DOMAINS))
