//! The demo data set's fixed tables: regions, products, distributors, partners, the comments
//! partners write, and the demo sign-ins. Only constants; `seed` turns them into rows.

use crate::domain::Currency;

pub(super) struct RegionSeed {
    pub code: &'static str,
    pub name: &'static str,
    pub currency: Currency,
    pub enabled: bool,
    pub code_kind: &'static str,
    pub unlocks: &'static str,
    /// Price-book multiplier on the base USD list price, in percent.
    pub price_pct: i64,
}

pub(super) const REGIONS: &[RegionSeed] = &[
    RegionSeed {
        code: "NA",
        name: "North America",
        currency: Currency::Usd,
        enabled: true,
        code_kind: "bid_desk_number",
        unlocks: "unit_price",
        price_pct: 100,
    },
    RegionSeed {
        code: "EU",
        name: "Europe",
        currency: Currency::Eur,
        enabled: true,
        code_kind: "promote_code",
        unlocks: "channel_margin",
        price_pct: 92,
    },
    RegionSeed {
        code: "JP",
        name: "Japan",
        currency: Currency::Jpy,
        enabled: true,
        code_kind: "bid_desk_number",
        unlocks: "unit_price",
        price_pct: 15_000,
    },
    RegionSeed {
        code: "ANZ",
        name: "Australia & New Zealand",
        currency: Currency::Aud,
        enabled: true,
        code_kind: "promote_code",
        unlocks: "channel_margin",
        price_pct: 152,
    },
    RegionSeed {
        code: "LATAM",
        name: "Latin America",
        currency: Currency::Usd,
        enabled: false,
        code_kind: "bid_desk_number",
        unlocks: "unit_price",
        price_pct: 100,
    },
];

/// (sku, name, unit type, reports usage, base list price in USD, channel margin %)
pub(super) const PRODUCTS: &[(&str, &str, &str, bool, &str, &str)] = &[
    (
        "TM-V1-EPS",
        "Trend Vision One – Endpoint Security Core",
        "endpoints",
        true,
        "4.20",
        "20",
    ),
    (
        "TM-V1-XDR",
        "Trend Vision One – XDR Essentials",
        "endpoints",
        true,
        "6.75",
        "18",
    ),
    (
        "TM-WFBS-SVC",
        "Worry-Free Business Security Services",
        "users",
        true,
        "2.95",
        "25",
    ),
    (
        "TM-EMAIL-ADV",
        "Trend Micro Email Security Advanced",
        "mailboxes",
        true,
        "1.85",
        "22.5",
    ),
    ("TM-CAS", "Cloud App Security", "users", true, "1.40", "25"),
    (
        "TM-C1-WLS",
        "Cloud One – Workload Security",
        "protected servers",
        true,
        "11.50",
        "15",
    ),
    (
        "TM-C1-FSS",
        "Cloud One – File Storage Security",
        "GB scanned",
        false,
        "0.0425",
        "12.5",
    ),
    (
        "TM-V1-CREDITS",
        "Trend Vision One Credits",
        "credits",
        false,
        "0.95",
        "10",
    ),
];

/// (name, region code, over-provisioning threshold %)
pub(super) const DISTRIBUTORS: &[(&str, &str, &str)] = &[
    ("Summit Tech Distribution", "NA", "5"),
    ("Atlas Distribution Europe", "EU", "10"),
    ("Sakura IT Distribution", "JP", "0"),
    ("Southern Cross Channel", "ANZ", "5"),
    ("Andes Cloud Distribution", "LATAM", "0"),
];

/// (name, distributor index, kind, status)
pub(super) const PARTNERS: &[(&str, usize, &str, &str)] = &[
    ("Harbor IT Services", 0, "msp", "active"),
    ("Blue Ridge Managed Security", 0, "msp", "active"),
    ("Lakeside Computer Solutions", 0, "reseller", "active"),
    ("Prairie Networks", 0, "msp", "suspended"),
    ("Rheinland Systemhaus GmbH", 1, "msp", "active"),
    ("Lumière Informatique", 1, "reseller", "active"),
    ("Nordlys IT AS", 1, "msp", "active"),
    ("Kansai Secure Works", 2, "msp", "active"),
    ("Tokyo Bay Systems", 2, "reseller", "active"),
    ("Coral Coast IT", 3, "msp", "active"),
    ("Kiwi Cloud Services", 3, "msp", "active"),
    ("Outback Office Tech", 3, "reseller", "active"),
    ("Pampa Sistemas", 4, "msp", "active"),
];

pub(super) const COMMENTS: &[&str] = &[
    "Customer decommissioned a branch office mid-month.",
    "Seats returned after the customer's contract ended on the 12th.",
    "Duplicate devices from a re-imaging project; cleaned up.",
    "Trial licences provisioned for a proof of concept, not billable.",
    "Mailboxes of departed staff were archived, not in use.",
];

/// The password of every demo account (listed in the README and, with demo data, on the
/// sign-in page).
pub const DEMO_PASSWORD: &str = "demo-password";

/// A demo sign-in: who it is, for the sign-in page and the README.
pub struct DemoAccountSeed {
    pub email: &'static str,
    pub name: &'static str,
    pub organisation: &'static str,
    pub role: &'static str,
    pub who: &'static str,
}

/// One account for each kind of user. The vendor's organisation is named at run time.
pub const DEMO_ACCOUNTS: &[DemoAccountSeed] = &[
    DemoAccountSeed {
        email: "dana@summit-tech.example",
        name: "Dana Whitfield",
        organisation: "Summit Tech Distribution",
        role: "administrator",
        who: "Distributor, North America (USD)",
    },
    DemoAccountSeed {
        email: "lukas@atlas-distribution.example",
        name: "Lukas Brandt",
        organisation: "Atlas Distribution Europe",
        role: "billing_manager",
        who: "Distributor, Europe (EUR)",
    },
    DemoAccountSeed {
        email: "kenji@sakura-it.example",
        name: "Kenji Sato",
        organisation: "Sakura IT Distribution",
        role: "billing_manager",
        who: "Distributor, Japan (JPY)",
    },
    DemoAccountSeed {
        email: "sam@summit-tech.example",
        name: "Sam Ortiz",
        organisation: "Summit Tech Distribution",
        role: "support",
        who: "Distributor support, read-only",
    },
    DemoAccountSeed {
        email: "maria@harbor-it.example",
        name: "Maria Chen",
        organisation: "Harbor IT Services",
        role: "administrator",
        who: "Partner (MSP) of Summit Tech",
    },
    DemoAccountSeed {
        email: "owen@blueridge-security.example",
        name: "Owen Blake",
        organisation: "Blue Ridge Managed Security",
        role: "billing_manager",
        who: "Partner (MSP) of Summit Tech",
    },
    DemoAccountSeed {
        email: "jonas@rheinland-systemhaus.example",
        name: "Jonas Weber",
        organisation: "Rheinland Systemhaus GmbH",
        role: "administrator",
        who: "Partner (MSP) of Atlas Distribution",
    },
    DemoAccountSeed {
        email: "camille@lumiere-informatique.example",
        name: "Camille Roux",
        organisation: "Lumière Informatique",
        role: "billing_manager",
        who: "Partner (reseller) of Atlas Distribution",
    },
    DemoAccountSeed {
        email: "tom@harbor-it.example",
        name: "Tom Becker",
        organisation: "Harbor IT Services",
        role: "support",
        who: "Partner support, read-only",
    },
    DemoAccountSeed {
        email: "vera@vendor.example",
        name: "Vera Lindqvist",
        organisation: "",
        role: "billing_manager",
        who: "Vendor billing",
    },
    DemoAccountSeed {
        email: "ops@billing-reports.example",
        name: "Priya Raman",
        organisation: "Billing Reports Operations",
        role: "platform_admin",
        who: "Platform admin, all regions",
    },
    DemoAccountSeed {
        email: "lucia@andes-cloud.example",
        name: "Lucía Rojas",
        organisation: "Andes Cloud Distribution",
        role: "administrator",
        who: "Distributor in a region without billing reports",
    },
];
