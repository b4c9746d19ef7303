//! The rows and dropped segments each fixture gives, written from `x12-271-notes.md` line by
//! line (rows: ordinal, owner, then the request that creates the row; dropped: ordinal, loop,
//! reason). Category numbers are those of `eligibility::categories`.

/// What one reading gives.
pub(crate) struct Expected {
    pub(crate) rows: &'static [&'static str],
    pub(crate) dropped: &'static [&'static str],
}

pub(crate) const FILE_01_OPEN_DENTAL: Expected = Expected {
    rows: &[
        "20 Plan ActiveCoverage None cat=1 period=None",
        "21 Plan CoInsurance None cat=2 pct=100 period=None",
        "22 Plan CoInsurance None cat=13 pct=100 period=None",
        "23 Plan CoInsurance None cat=12 pct=100 period=None",
        "24 Plan CoInsurance None cat=4 pct=80 period=None",
        "25 Plan CoInsurance None cat=5 pct=80 period=None",
        "26 Plan CoInsurance None cat=3 pct=80 period=None",
        "27 Plan CoInsurance None cat=11 pct=80 period=None",
        "28 Plan CoInsurance None cat=7 pct=50 period=None",
        "29 Plan CoInsurance None cat=10 pct=50 period=None",
        "36 Plan Deductible Individual cat=1 amt=50 period=CalendarYear",
        "37 Plan Deductible Family cat=1 amt=150 period=CalendarYear",
        "39 Plan Deductible Individual cat=12 amt=0 period=CalendarYear",
        "41 Plan Deductible Individual cat=2 amt=0 period=CalendarYear",
        "42 Plan Limitations Individual cat=1 amt=1500 period=CalendarYear",
        "44 Plan Limitations Individual cat=9 amt=1000 period=Lifetime",
        "46 Plan Limitations None period=CalendarYear qty=2 None code=D0120",
        "48 Plan Limitations None period=CalendarYear qty=2 None code=D1110",
        "50 Plan Limitations None period=CalendarYear qty=1 None code=D0274",
        "52 Plan Limitations None period=Years qty=1 None code=D0330",
        "54 Plan Limitations None period=None qty=1 None code=D0210",
        "57 Plan Limitations None cat=12 period=None qty=19 AgeLimit",
    ],
    dropped: &[
        "19 2110C active_coverage_general",
        "30 2110C out_of_network",
        "32 2110C out_of_network",
        "34 2110C out_of_network",
        "38 2110C unsupported_time_period",
        "43 2110C unsupported_time_period",
        "60 2110C limitation_without_amount",
        "62 2110C limitation_without_amount",
        "64 2110C unsupported_eb01",
        "66 2110C unsupported_eb01",
    ],
};

pub(crate) const FILE_01_FAITHFUL: Expected = Expected {
    rows: &[
        "20 Plan ActiveCoverage None period=None",
        "21 Plan CoInsurance None cat=2 pct=100",
        "22 Plan CoInsurance None cat=13 pct=100",
        "23 Plan CoInsurance None cat=12 pct=100",
        "24 Plan CoInsurance None cat=4 pct=80",
        "25 Plan CoInsurance None cat=5 pct=80",
        "26 Plan CoInsurance None cat=3 pct=80",
        "27 Plan CoInsurance None cat=11 pct=80",
        "28 Plan CoInsurance None cat=7 pct=50",
        "29 Plan CoInsurance None cat=10 pct=50",
        "36 Plan Deductible Individual amt=50",
        "37 Plan Deductible Family amt=150",
        "39 Plan Deductible Individual cat=12 amt=0",
        "41 Plan Deductible Individual cat=2 amt=0",
        "42 Plan Limitations Individual amt=1500",
        "44 Plan Limitations Individual cat=9 amt=1000 period=Lifetime",
        "46 Plan Limitations None qty=2 NumberOfServices code=D0120",
        "48 Plan Limitations None qty=2 NumberOfServices code=D1110",
        "50 Plan Limitations None qty=1 NumberOfServices code=D0274",
        "52 Plan Limitations None period=None qty=5 Years code=D0330",
        "54 Plan Limitations None period=None qty=60 Months code=D0210",
        // 57 and 60: age limits, which Open Dental reads only on a code group.
        "62 Plan WaitingPeriod Individual cat=10 qty=12 Months",
    ],
    dropped: &[
        "19 2110C active_coverage_general",
        "30 2110C out_of_network",
        "32 2110C out_of_network",
        "34 2110C out_of_network",
        "38 2110C unsupported_time_period",
        "43 2110C unsupported_time_period",
        "57 2110C age_limit_not_read",
        "60 2110C age_limit_not_read",
        "64 2110C unsupported_eb01",
        "66 2110C unsupported_eb01",
    ],
};

pub(crate) const FILE_02_OPEN_DENTAL_IN: Expected = Expected {
    rows: &[
        "19 Plan CoInsurance None cat=12 pct=100 period=None",
        "21 Plan CoInsurance None cat=2 pct=100 period=None",
        "23 Plan CoInsurance None cat=4 pct=70 period=None",
        "25 Plan CoInsurance None cat=7 pct=50 period=None",
        "32 Plan CoInsurance None pct=50 period=None code=D2950",
        "33 Plan Deductible Individual cat=1 amt=25 period=CalendarYear",
        "35 Plan Deductible Family cat=1 amt=75 period=CalendarYear",
        "37 Plan Limitations Individual cat=1 amt=2000 period=CalendarYear",
        "39 Plan Exclusions None cat=9 period=None",
    ],
    dropped: &[
        "18 2110C active_coverage_general",
        "20 2110C out_of_network",
        "22 2110C out_of_network",
        "24 2110C out_of_network",
        "26 2110C out_of_network",
        "27 2110C out_of_network",
        "29 2110C percent_without_category",
        "30 2110C copay_or_coinsurance_amount",
        "34 2110C out_of_network",
        "36 2110C out_of_network",
        "38 2110C unsupported_time_period",
    ],
};

pub(crate) const FILE_02_OPEN_DENTAL_OUT: Expected = Expected {
    rows: &[
        "20 Plan CoInsurance None cat=12 pct=90 period=None",
        "22 Plan CoInsurance None cat=2 pct=90 period=None",
        "24 Plan CoInsurance None cat=4 pct=50 period=None",
        "26 Plan CoInsurance None cat=7 pct=40 period=None",
        "27 Plan CoInsurance None cat=5 pct=70 period=None",
        "34 Plan Deductible Individual cat=1 amt=75 period=CalendarYear",
        "36 Plan Deductible Family cat=1 amt=225 period=CalendarYear",
        "37 Plan Limitations Individual cat=1 amt=2000 period=CalendarYear",
        "39 Plan Exclusions None cat=9 period=None",
    ],
    dropped: &[
        "18 2110C active_coverage_general",
        "19 2110C in_network",
        "21 2110C in_network",
        "23 2110C in_network",
        "25 2110C in_network",
        "29 2110C percent_without_category",
        "30 2110C copay_or_coinsurance_amount",
        "32 2110C in_network",
        "33 2110C in_network",
        "35 2110C in_network",
        "38 2110C unsupported_time_period",
    ],
};

pub(crate) const FILE_02_FAITHFUL_IN: Expected = Expected {
    rows: &[
        "19 Plan CoInsurance None cat=12 pct=100",
        "21 Plan CoInsurance None cat=2 pct=100",
        "23 Plan CoInsurance None cat=4 pct=70",
        "25 Plan CoInsurance None cat=7 pct=50",
        "32 Plan CoInsurance None pct=50 code=D2950",
        "33 Plan Deductible Individual amt=25",
        "35 Plan Deductible Family amt=75",
        "37 Plan Limitations Individual amt=2000",
        "39 Plan Exclusions None cat=9 period=None",
    ],
    dropped: &[
        "18 2110C active_coverage_general",
        "20 2110C out_of_network",
        "22 2110C out_of_network",
        "24 2110C out_of_network",
        "26 2110C out_of_network",
        "27 2110C out_of_network",
        "29 2110C percent_without_category",
        "30 2110C copay_or_coinsurance_amount",
        "34 2110C out_of_network",
        "36 2110C out_of_network",
        "38 2110C unsupported_time_period",
    ],
};

pub(crate) const FILE_02_FAITHFUL_OUT: Expected = Expected {
    rows: &[
        "20 Plan CoInsurance None cat=12 pct=90",
        "22 Plan CoInsurance None cat=2 pct=90",
        "24 Plan CoInsurance None cat=4 pct=50",
        "26 Plan CoInsurance None cat=7 pct=40",
        "27 Plan CoInsurance None cat=5 pct=70",
        "34 Plan Deductible Individual amt=75",
        "36 Plan Deductible Family amt=225",
        "37 Plan Limitations Individual amt=2000",
        "39 Plan Exclusions None cat=9 period=None",
    ],
    dropped: &[
        "18 2110C active_coverage_general",
        "19 2110C in_network",
        "21 2110C in_network",
        "23 2110C in_network",
        "25 2110C in_network",
        "29 2110C percent_without_category",
        "30 2110C copay_or_coinsurance_amount",
        "32 2110C in_network",
        "33 2110C in_network",
        "35 2110C in_network",
        "38 2110C unsupported_time_period",
    ],
};

pub(crate) const FILE_03_OPEN_DENTAL: Expected = Expected {
    rows: &[
        // Open Dental keeps the last of two rows with one key, at the first one's place.
        "33 Plan Deductible Family cat=1 amt=150 period=CalendarYear",
        "31 PatPlan CoInsurance None cat=12 pct=100 period=None",
        "27 PatPlan CoInsurance None cat=2 pct=100 period=None",
        "28 PatPlan CoInsurance None cat=4 pct=80 period=None",
        "29 PatPlan CoInsurance None cat=7 pct=50 period=None",
        "30 PatPlan CoInsurance None cat=9 pct=50 period=None",
        "32 PatPlan Deductible Individual cat=1 amt=50 period=CalendarYear",
        "34 PatPlan Limitations Individual cat=1 amt=1000 period=CalendarYear",
        "35 PatPlan Limitations Individual cat=9 amt=1500 period=Lifetime",
        "38 PatPlan Limitations None period=CalendarYear qty=2 None code=D1120",
        "40 PatPlan Limitations None period=None qty=1 None code=D1351",
        "42 PatPlan Limitations None period=CalendarYear qty=2 None code=D1206",
    ],
    dropped: &[
        "18 2110C duplicate",
        "19 2110C unsupported_time_period",
        "25 2110D active_coverage_general",
        "26 2110D duplicate",
        "36 2110D limitation_without_amount",
        "44 2110D unsupported_eb01",
        "50 2110D unsupported_time_period",
    ],
};

pub(crate) const FILE_03_FAITHFUL: Expected = Expected {
    rows: &[
        // The subscriber's Family EB is the plan's: kept, and 2110D's same row is a duplicate.
        "18 Plan Deductible Family amt=150",
        "26 PatPlan CoInsurance None cat=12 pct=100",
        "27 PatPlan CoInsurance None cat=2 pct=100",
        "28 PatPlan CoInsurance None cat=4 pct=80",
        "29 PatPlan CoInsurance None cat=7 pct=50",
        "30 PatPlan CoInsurance None cat=9 pct=50",
        "32 PatPlan Deductible Individual amt=50",
        "34 PatPlan Limitations Individual amt=1000",
        "35 PatPlan Limitations Individual cat=9 amt=1500 period=Lifetime",
        "38 PatPlan Limitations None qty=2 NumberOfServices code=D1120",
        "40 PatPlan Limitations None period=None qty=36 Months code=D1351",
        "42 PatPlan Limitations None qty=2 NumberOfServices code=D1206",
    ],
    dropped: &[
        "19 2110C unsupported_time_period",
        "25 2110D active_coverage_general",
        "31 2110D duplicate",
        "33 2110D duplicate",
        "36 2110D age_limit_not_read",
        "44 2110D unsupported_eb01",
        "50 2110D unsupported_time_period",
    ],
};

pub(crate) const FILE_04_OPEN_DENTAL: Expected = Expected {
    rows: &[
        "18 Plan ActiveCoverage Family period=None",
        "20 Plan CoInsurance None cat=12 pct=100 period=None",
        "21 Plan CoInsurance None cat=2 pct=100 period=None",
        "22 Plan CoInsurance None cat=4 pct=75 period=None",
        "23 Plan CoInsurance None cat=14 pct=50 period=None",
        "24 Plan CoInsurance None cat=7 pct=60 period=None",
        "25 Plan CoInsurance None cat=11 pct=75 period=None",
        "26 Plan Deductible Individual cat=1 amt=75 period=ServiceYear",
        "27 Plan Deductible Family cat=1 amt=225 period=ServiceYear",
        "28 Plan Limitations Individual cat=1 amt=1250 period=ServiceYear",
        "29 Plan Limitations None period=Years qty=1 None code=D0150",
        "31 Plan Limitations None period=ServiceYear qty=4 None code=D4910",
        "33 Plan Exclusions None cat=9 period=None",
        "34 Plan Exclusions None cat=6 period=None",
    ],
    dropped: &[
        "19 2110C percent_without_category",
        "35 2110C unsupported_eb01",
    ],
};

pub(crate) const FILE_04_FAITHFUL: Expected = Expected {
    rows: &[
        "19 Plan CoInsurance None cat=3 pct=80",
        "19 Plan CoInsurance None cat=5 pct=80",
        "20 Plan CoInsurance None cat=12 pct=100",
        "21 Plan CoInsurance None cat=2 pct=100",
        "22 Plan CoInsurance None cat=4 pct=75",
        "23 Plan CoInsurance None cat=14 pct=50",
        "24 Plan CoInsurance None cat=7 pct=60",
        "25 Plan CoInsurance None cat=11 pct=75",
        "26 Plan Deductible Individual amt=75",
        "27 Plan Deductible Family amt=225",
        "28 Plan Limitations Individual amt=1250",
        "29 Plan Limitations None period=None qty=3 Years code=D0150",
        "31 Plan Limitations None qty=4 NumberOfServices code=D4910",
        "33 Plan Exclusions None cat=9 period=None",
        "34 Plan Exclusions None cat=6 period=None",
    ],
    dropped: &[
        // 30{35{23{41: 30 drops by rule 3; the other repetitions would each be an
        // ActiveCoverage row, which Open Dental's benefit logic never reads.
        "18 2110C active_coverage_general",
        "18 2110C active_coverage_repeated",
        "18 2110C active_coverage_repeated",
        "18 2110C active_coverage_repeated",
        "35 2110C unsupported_eb01",
    ],
};
