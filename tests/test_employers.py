"""The acting employer: candidates found around worker nouns, and which one comes first."""

from __future__ import annotations

import json
from importlib import resources

import pytest

from pipeline.understand.employers import FEATURES, EmployerRanker, described_companies
from pipeline.understand.gazetteer import default_gazetteer
from pipeline.understand.reading import read_story
from pipeline.understand.tagging import tag_story


def candidate_names(title: str, text: str) -> set[str]:
    return {c.name for c in read_story(title, text).candidates}


@pytest.mark.parametrize(
    ("text", "employer"),
    [
        (
            "Employees at the indie studio Lanternfish Games voted to form a union.",
            "Lanternfish Games",
        ),
        ("Riders for Zapdash, a grocery app, stopped work across three cities.", "Zapdash"),
        ("Couriers of the delivery platform Quickbite logged out of the app.", "Quickbite"),
        ("The Quillpoint Workers Union called a strike at the mapping company.", "Quillpoint"),
        ("Staff of Brightloom, a payments startup, filed a complaint over overtime.", "Brightloom"),
        ("A labour union was formed at the Korean web portal Hanbit last week.", "Hanbit"),
        (
            "Workers at Los Angeles-based studio Tidewater Interactive went on strike.",
            "Tidewater Interactive",
        ),
        ("On Monday Orbitly's engineers signed a letter against a tracking tool.", "Orbitly"),
        ("Staff at Can’t Stop Studios walked out over the crunch schedule.", "Can’t Stop Studios"),
        (
            "Nearly everyone who worked at Pinecrest Games was let go, and they filed a class "
            "action on Tuesday.",
            "Pinecrest Games",
        ),
        (
            "Developers working on Skyforge Interactive’s racing series voted to unionize.",
            "Skyforge Interactive",
        ),
        ("Zipride Holdings Ltd. drivers stopped work across the city.", "Zipride"),
        ("Bolt SA drivers blocked the entrance of an office park in protest.", "Bolt"),
        (
            "Quickbite, Ghana’s largest delivery platform, said its riders had logged off.",
            "Quickbite",
        ),
        ("San Francisco-based Whizzle, a scooter startup, saw its mechanics unionize.", "Whizzle"),
        ("Insomniac QA workers filed for a union election on Monday.", "Insomniac Games"),
        ("On Monday, Zipcart said that dozens of its couriers had logged off.", "Zipcart"),
        ("Workers at Ödeal Games went on strike over unpaid overtime.", "Ödeal Games"),
        (
            "On Monday the Ledger Tech Guild began a strike; the guild represents 600 software "
            "engineers at The Morning Ledger.",
            "Morning Ledger",
        ),
        ("Hundreds of Plumtree Tech workers walked out over a surveillance contract.", "Plumtree"),
    ],
)
def test_employers_the_gazetteer_does_not_list_are_named_first(text, employer):
    assert tag_story("", text).companies[:1] == (employer,)


@pytest.mark.parametrize(
    ("text", "companies", "action"),
    [
        (
            "Moderators employed by Clearview Outsourcing, a contractor for Meta, walked out "
            "on Friday over quotas.",
            ("Clearview Outsourcing", "Meta"),
            "protest",
        ),
        (
            "Google Fiber customer service workers, employed by staffing agency Brightline "
            "Staffing, voted to form a union.",
            ("Brightline Staffing", "Google"),
            "union_drive",
        ),
    ],
)
def test_the_vendor_employing_outsourced_workers_comes_before_its_client(text, companies, action):
    tags = tag_story("", text)
    assert tags.companies == companies
    assert action in tags.actions


def test_places_people_and_unions_are_not_employers():
    names = candidate_names(
        "",
        "Berlin couriers of Flitzer walked out, and Black employees at Flitzer joined the "
        "Communications Workers of America at a rally with National Labor Relations Board staff.",
    )
    assert names == {"Flitzer"}


@pytest.mark.parametrize(
    ("title", "text", "employer", "place"),
    [
        (
            "Couriers for Chengdu delivery app rally over late-order fines",
            "About a hundred riders for Kuaipao gathered outside a dispatch station on Friday.",
            "Kuaipao",
            "Chengdu",
        ),
        (
            "Developers at Aarhus software firm win their first collective agreement",
            "Union members at Netbrygge, a maker of booking software, approved the deal.",
            "Netbrygge",
            "Aarhus",
        ),
        (
            "",
            "Engineers at a Turku game developer, Revontuli Interactive, joined a union.",
            "Revontuli Interactive",
            "Turku",
        ),
    ],
    ids=["city-before-app", "city-before-firm", "city-before-studio"],
)
def test_a_city_describing_a_company_is_no_company(title, text, employer, place):
    """Cities of the world are no employers ("a Chengdu delivery app"), not only the ones the
    gazetteer lists by hand."""
    names = candidate_names(title, text)
    assert employer in names and place not in names
    assert tag_story(title, text).companies[:1] == (employer,)


def test_a_known_company_named_like_a_city_is_still_a_company():
    assert "Hitachi" in default_gazetteer().places
    text = "Engineers at Hitachi in Tokyo signed a petition against the new overtime rules."
    assert tag_story("", text).companies[:1] == ("Hitachi",)


@pytest.mark.parametrize(
    "text",
    [
        "Staff at Brightloom won recognition of their union with the Office and Professional "
        "Employees International Union.",
        "Staff at Brightloom voted to join the United Food and Commercial Workers union.",
    ],
)
def test_a_union_named_by_its_members_trades_is_no_employer(text):
    assert candidate_names("", text) == {"Brightloom"}


@pytest.mark.parametrize(
    "text",
    [
        "The United Nations and European Union stressed that nothing would change.",
        "The coach said the line still needs some works for this week’s game in Miami.",
        "Fans of Titanfall 2 still cherish the robot BT-7274.",
    ],
)
def test_look_alikes_of_the_new_employer_forms_name_no_employer(text):
    assert candidate_names("", text) == set()


def test_part_of_a_union_or_employer_outside_tech_is_no_name():
    names = candidate_names(
        "", "Members of the United Auto Workers and Starbucks Workers United struck on Monday."
    )
    assert names == set()


def test_a_word_that_only_opens_sentences_is_no_name():
    assert candidate_names("Warehouse staff walk out", "Dozens of workers walked out.") == set()


@pytest.mark.parametrize(
    ("title", "text"),
    [
        ("Quillfeather's moderators strike over pay", "Hundreds went on strike in Nairobi."),
        ("", "Quillfeather’s content moderators in Nairobi went on strike over pay."),
    ],
)
def test_a_possessive_opening_a_sentence_names_the_company(title, text):
    """ "Quillfeather's moderators strike": a name with its possessive is no common word."""
    assert tag_story(title, text).companies[:1] == ("Quillfeather",)
    assert candidate_names("", "Kenya's moderators went on strike over pay.") == set()


def test_capitals_of_a_title_case_headline_name_nobody():
    names = candidate_names(
        "Software Workers At Ember Win A Historic Contract",
        "Workers at Ember ratified their first contract on Monday.",
    )
    assert names == {"Ember"}


def test_a_title_case_headline_names_a_company_the_gazetteer_knows():
    names = candidate_names(
        "Riders Strike at Gorillas, a Grocery Startup in Berlin", "Couriers stopped work on Friday."
    )
    assert names == {"Gorillas"}


def test_the_acting_workers_employer_leads_a_company_named_earlier():
    tags = tag_story(
        "",
        "Helix Analytics sells its tracking software to border agencies, and on Monday 300 "
        "Amazon employees signed a letter asking Amazon to stop hosting it.",
    )
    assert tags.companies[0] == "Amazon"


@pytest.mark.parametrize(
    ("title", "text", "leading"),
    [
        ("", "Uber and Bolt drivers went on strike over fares on Monday.", ("Uber", "Bolt")),
        ("Lyft, Uber drivers hold a protest at the airport", "", ("Lyft", "Uber")),
        ("", "On Monday Zoomcab and Flitzer couriers logged off the apps.", ("Zoomcab",)),
    ],
)
def test_employers_listed_before_one_worker_noun_keep_their_order(title, text, leading):
    assert tag_story(title, text).companies[: len(leading)] == leading


def test_a_name_opening_a_sentence_counts_where_the_story_names_it_again():
    names = candidate_names(
        "",
        "Harborlight United, the new staff union, asked for recognition on Monday. The union "
        "wrote to Harborlight and its new owners.",
    )
    assert names == {"Harborlight"}


@pytest.mark.parametrize(
    "text",
    [
        "Developers at Larkspur Studio, which is owned by Nexon, walked out over bonuses.",
        "Staff at Nexon-owned developer Larkspur Studio walked out over bonuses.",
        "Developers at Larkspur Studio, whose parent company is Nexon, walked out over bonuses.",
    ],
)
def test_the_company_a_story_calls_owned_leads_its_owner(text):
    assert tag_story("", text).companies[0] == "Larkspur Studio"


@pytest.mark.parametrize(
    "text",
    [
        "Developers at Overwatch support studio Ironmoth filed for a union election on Monday.",
        "Testers at the Activision studio Ironmoth filed for a union election on Monday.",
        "Hearthstone's studio Ironmoth saw its developers file for a union election on Monday.",
        "Developers at Ironmoth, an Overwatch support studio, filed for a union election.",
    ],
)
def test_workers_of_a_studio_a_publisher_or_game_is_named_for_work_for_the_studio(text):
    """A publisher's or a game's studio is owned by it: its workers are the studio's."""
    assert tag_story("", text).companies[0] == "Ironmoth"


def test_a_place_or_a_kind_of_studio_is_no_owner():
    tags = tag_story("", "Indie studio Quillfeather recognised its developers' union on Monday.")
    assert tags.companies == ("Quillfeather",)


@pytest.mark.parametrize(
    ("title", "text", "maker"),
    [
        (
            "World of Warcraft developers vote to unionize",
            "Hundreds of developers who build World of Warcraft voted to form a union on Monday.",
            "Activision Blizzard",
        ),
        (
            "Fortnite testers stage a walkout",
            "Quality assurance testers on Fortnite walked off the job on Friday.",
            "Epic Games",
        ),
    ],
)
def test_a_game_named_for_its_developers_names_its_maker(title, text, maker):
    assert tag_story(title, text).companies[:1] == (maker,)


def test_a_company_named_with_the_workers_leads_the_maker_of_the_game_they_work_on():
    """Contractors test others' games: the game's maker is no sign against a named employer."""
    tags = tag_story(
        "Mass Effect QA testers walk out",
        "The Keywords Studios testers who worked on Mass Effect walked out on Monday, and "
        "BioWare said it would review the contract.",
    )
    assert tags.companies[0] == "Keywords Studios"


def test_a_client_named_with_workers_a_staffing_agency_employs_comes_after_the_agency():
    tags = tag_story(
        "Google Fiber store workers vote to unionize",
        "Google Fiber store workers in Kansas City, employed by Brightline Staffing, backed "
        "the union in a vote counted by the labour board on Friday.",
    )
    assert tags.companies == ("Brightline Staffing", "Google")


def test_workers_at_a_subsidiary_named_after_a_comma_name_it():
    names = candidate_names(
        "", "Microsoft reached a first contract with testers at its subsidiary, Larkspur Studio."
    )
    assert names == {"Microsoft", "Larkspur Studio"}


def test_tech_workers_of_an_employer_outside_tech_name_it():
    tags = tag_story("", "New York Times tech workers walked off the job on Monday.")
    assert tags.companies[:1] == ("New York Times",)
    assert tag_story("", "Nurses at Kaiser Permanente walked off the job.").companies == ()


def test_the_shipped_ranker_matches_the_features_the_reader_computes():
    text = resources.files("pipeline").joinpath("data/employer_ranker.json").read_text("utf-8")
    data = json.loads(text)
    assert data["features"] == list(FEATURES)
    assert len(data["weights"]) == len(data["mean"]) == len(data["scale"]) == len(FEATURES)
    with pytest.raises(ValueError, match="features"):
        EmployerRanker.from_json({**data, "features": data["features"][1:]})


@pytest.mark.parametrize(
    ("title", "text"),
    [
        ("Judge rules for Facebook and Cognizant in lawsuit by content moderators", ""),
        (
            "YouTube Music contractors call a strike against their employer",
            "The workers, who are employed by Cognizant, walked out on Friday.",
        ),
    ],
)
def test_an_outsourcing_firm_leads_its_clients_in_a_story_of_contractors(title, text):
    """The guide's rule for outsourced workers: the direct employer first, the client after."""
    assert tag_story(title, text).companies[:2] in (("Cognizant", "Meta"), ("Cognizant", "YouTube"))


@pytest.mark.parametrize(
    ("text", "contractor"),
    [
        (
            "Moderators employed in Barcelona by CCC Barcelona Digital Services, which checks "
            "posts for Facebook, won a case against their employer.",
            "Telus Digital",
        ),
        ("Search raters employed by RaterLabs for Google voted to join a union.", "Appen"),
    ],
)
def test_a_contractor_named_by_its_subsidiary_is_tagged_under_its_name(text, contractor):
    assert contractor in tag_story("", text).companies


@pytest.mark.parametrize(
    ("title", "text", "leading"),
    [
        (
            "Google search raters win a raise",
            "Thousands of contract workers who rate Google's search results will be paid more.",
            ("Appen", "Google"),
        ),
        (
            "",
            "Contractors who test answers from Google's Gemini chatbot say they were let go "
            "after asking for better pay.",
            ("GlobalLogic", "Google"),
        ),
        (
            "Facebook moderators in Dublin take their employer to court",
            "Content moderators who review posts for Facebook filed suit over their working "
            "conditions.",
            ("Telus Digital", "Meta"),
        ),
        (
            "Cafeteria staff at Google campuses vote to join a union",
            "Cooks and servers at the search company's kitchens voted on Tuesday.",
            ("Compass Group", "Sodexo", "Google"),
        ),
        (
            "",
            "Moderators employed by Sama in Nairobi sued Meta over their working conditions.",
            ("Sama", "Meta"),
        ),
        (
            "Baristas on Microsoft's Redmond campus rally",
            "Cafeteria workers serving Microsoft employees asked for guaranteed hours.",
            ("Compass Group", "Microsoft"),
        ),
        (
            "Instagram reviewers in Accra hire lawyers",
            "People who screened posts for Instagram in Ghana say the work left them ill.",
            ("Majorel", "Instagram"),
        ),
        (
            "",
            "Moderators who reviewed Facebook posts in Nairobi will also sue Meta in Ireland.",
            ("Sama", "Meta"),
        ),
    ],
)
def test_the_known_contractor_of_a_clients_outsourced_workers_comes_first(title, text, leading):
    """Stories of Google's raters or Facebook's moderators often name only the client; the
    gazetteer knows who employs them, and the guide puts the direct employer first."""
    assert tag_story(title, text).companies[: len(leading)] == leading


def test_a_story_naming_an_outsourcing_firm_gets_no_other_contractor():
    text = "Staff at Majorel's Berlin centre, which reviews content for Facebook, want a council."
    assert "Telus Digital" not in tag_story("", text).companies


def test_a_name_given_short_in_the_headline_is_tagged_in_full():
    tags = tag_story(
        "Kitchen workers employed by Brightwell vote to strike",
        "Cafeteria workers employed by Brightwell Facility Services at a software campus voted "
        "to strike on Monday.",
    )
    assert tags.companies[:1] == ("Brightwell Facility Services",)


def test_a_clients_own_employees_get_no_contractor():
    text = "Google engineers signed a letter against the company's Pentagon contract."
    tags = tag_story("", text)
    assert tags.companies == ("Google",)


def test_an_outsourcing_firm_named_without_contractors_does_not_lead():
    tags = tag_story("", "Microsoft employees protested a deal the company signed with Accenture.")
    assert tags.companies[0] == "Microsoft"


def _described(*told: str) -> frozenset[str]:
    """The tech companies ``told`` describes."""
    gazetteer = default_gazetteer()
    return described_companies(told, [gazetteer.mentions(t) for t in told], gazetteer).tech


@pytest.mark.parametrize(
    ("sentence", "name"),
    [
        ("Developers at Lantern Forge, a Lisbon video game studio, walked out.", "Lantern Forge"),
        ("Staff at the indie studio Lantern Forge walked out.", "Lantern Forge"),
        ("Riders for Kiwibolt, a Polish delivery app, stopped work.", "Kiwibolt"),
        ("Workers at the software startup Nimbleform formed a union.", "Nimbleform"),
        ("Employees of Quarrylight Games signed an open letter.", "Quarrylight Games"),
        ("Game developers at Pinecone Studios walked out.", "Pinecone Studios"),
        ("Staff at Pinecrest Mobile, a Nairobi fintech, wrote to investors.", "Pinecrest Mobile"),
        ("Employees at Sunder, a Chennai drone maker, released a statement.", "Sunder"),
        ("Developers at Harborlight, a Kochi software exporter, formed a union.", "Harborlight"),
        ("Couriers for Parcelfox, a London quick-commerce app, sued.", "Parcelfox"),
        ("Engineers at Aubrac Labs elected staff representatives.", "Aubrac Labs"),
        ("Workers at Quillon Robotics voted to join a union.", "Quillon Robotics"),
        ("Support staff at the Berlin mapping company Kartograf wrote to management.", "Kartograf"),
        ("Pickers at the warehouse of the online retailer Szybki Koszyk struck.", "Szybki Koszyk"),
        ("Staff at the Seoul shopping platform Dalbit Mall worked to rule.", "Dalbit Mall"),
        (
            "The union at Linden Hale, a Dublin payroll-software maker, signed a deal.",
            "Linden Hale",
        ),
        ("Cashiers at the store of the device maker Halvard Devices sued.", "Halvard Devices"),
        # the defence makers among such names are in the gazetteer's list outside tech
        ("Workers at Halvern Systems walked off the job over late salaries.", "Halvern Systems"),
        ("Technicians at Norvik Semiconductor began a go-slow.", "Norvik Semiconductor"),
        # what it does for tech firms
        ("Agents at Sautiline, which answers calls for a telecom operator, struck.", "Sautiline"),
        ("Operators at Kagoshima Wafer, a supplier to chipmakers, struck.", "Kagoshima Wafer"),
        ("Staff at Pixeltrue, which tests games for console makers, walked out.", "Pixeltrue"),
    ],
)
def test_a_company_the_story_calls_a_tech_company_is_one(sentence, name):
    assert _described(sentence) == {name}


@pytest.mark.parametrize(
    "sentence",
    [
        "The ruling loosens Apple's control of the App Store.",  # a product, in capitals
        "Workers at the property developer Evergrande protested unpaid wages.",
        "Workers at Epic Games walked out.",  # the gazetteer knows it
        "A studio spokesperson for Lantern Forge declined to comment.",
        "Workers at DPD, a parcel delivery company, went on strike.",
        "Workers at DPD, a rival of the delivery app Deliveroo, went on strike.",
        "Entain, the gaming company, said profits rose.",  # casinos' and bookmakers' gaming
        "Staff at the film studio Ashgrove walked out.",  # a studio outside a story of games
        "VFX workers at Marvel Studios voted to unionize.",
        "Austin Workers Unionize at Game Studio Blizzard",  # a title-case description
        "Contract AI raters at GlobalLogic petitioned for sick pay.",  # "AI" ends no name
        "Workers at Halvern Holdings walked off the job over late salaries.",  # could be anything
        # serving others than tech firms, or saying so without a clause of its own
        "Packers at Greenleaf Farms, a supplier to supermarket chains, walked out.",
        "Drivers at Roadwell, which delivers parcels for retailers, went on strike.",
        "Staff at Halvern, for the app they said was unsafe, wrote a letter.",
    ],
)
def test_no_tech_company_without_a_description_in_prose(sentence):
    assert _described(sentence) == frozenset()


def test_a_campaign_named_like_a_studio_is_no_company():
    told = (
        "Players back the Stop Killing Games petition",
        "The campaign, known as Stop Killing Games, wants publishers to keep servers running.",
    )
    assert _described(*told) == frozenset()


def test_developers_of_a_studio_the_gazetteer_does_not_know_act_as_its_workers():
    """ "developers" count as workers only with a tech employer: a studio the story itself
    describes is one."""
    story = (
        "Lantern Forge developers stage walkout over crunch",
        "Developers at Lantern Forge, an independent video game studio in Lisbon, walked out "
        "on Tuesday after managers announced a third month of compulsory overtime.",
    )
    walkouts = [d for d in read_story(*story).deeds if d.kind == "walkout"]
    assert walkouts and {d.group.employer for d in walkouts if d.group} == {"Lantern Forge"}
    assert tag_story(*story).companies[0] == "Lantern Forge"


@pytest.mark.parametrize(
    ("text", "employer"),
    [
        ("Contract coders at Nuvola Systems in Pune halted work for two days.", "Nuvola Systems"),
        ("Annotators at Sablewire signed a petition against violent tasks.", "Sablewire"),
        ("Engineers and designers at Copperline went public with their organising.", "Copperline"),
    ],
)
def test_workers_of_a_tech_trade_at_an_unknown_company_are_its_workers(text, employer):
    """Coders, raters or designers name a company the gazetteer does not know: the story's
    employer, even where the act is not surely tech workers'."""
    assert tag_story("", text).companies[:1] == (employer,)


@pytest.mark.parametrize(
    ("text", "employer"),
    [
        ("Riders for Jolly Dash in Lagos switched off their apps for 48 hours.", "Jolly Dash"),
        ("Couriers for Parcelo stopped taking orders over the new per-order rate.", "Parcelo"),
        ("Drivers for Kabu protested outside its office over deactivations.", "Kabu"),
        ("Drivers on the Jakarta ride-hailing app Ojekku filed a joint suit.", "Ojekku"),
        ("Drivers on the Kwenda ride-hailing app switched off for three days.", "Kwenda"),
        ("Microtask workers on the Taskora platform filed a joint claim.", "Taskora"),
        ("Cleaners booked through the HomeHive app walked out over pay.", "HomeHive"),
    ],
)
def test_couriers_at_an_unknown_company_handing_out_gigs_are_a_platforms(text, employer):
    strikes = [d for d in read_story("", text).deeds if d.actor == "worker" and d.group]
    assert strikes and {d.group.employer for d in strikes} == {employer}
    assert tag_story("", text).companies[:1] == (employer,)


@pytest.mark.parametrize(
    "text",
    [
        "Drivers for Halvern Haulage walked off the job over unpaid overtime.",  # no app work
        "Taxi drivers for Kabu Cabs blocked the airport road to protest the new app.",
        # a workers' group, not their platform
        "Couriers with Los Repartidores Unidos rallied for a pay floor on the apps.",
        "Workers on the Elizabeth line platform walked out over rosters.",  # a station's
    ],
)
def test_drivers_at_an_unknown_company_with_no_platform_work_are_no_tech_workers(text):
    assert not [d for d in read_story("", text).deeds if d.group and d.group.employer]


@pytest.mark.parametrize(
    ("sentence", "name"),
    [
        (
            "Drivers at Wickhamford, a regional parcel delivery company, went on strike.",
            "Wickhamford",
        ),
        ("Crew at the film studio Ashgrove walked out over unpaid overtime.", "Ashgrove"),
        ("Dealers at Silverbay, a casino operator in Macau, voted to unionise.", "Silverbay"),
    ],
)
def test_a_company_the_story_places_outside_tech_is_no_tech_company(sentence, name):
    gazetteer = default_gazetteer()
    described = described_companies([sentence], [gazetteer.mentions(sentence)], gazetteer)
    assert described == (frozenset(), {name})


def test_a_described_name_with_pattern_characters_is_matched_as_written():
    """Names go into a pattern of the story's names escaped: "C++" is no quantifier."""
    story = (
        "C++ Games staff strike",
        "Developers at C++ Games, an indie game studio, went on strike on Monday. C++ Games "
        "said it would keep talking. " * 40,
    )
    strikes = [d for d in read_story(*story).deeds if d.kind == "strike" and d.group]
    assert strikes and {d.group.employer for d in strikes} == {"C++ Games"}


@pytest.mark.parametrize(
    ("text", "employer"),
    [
        (
            "Taskers on Remotasks organized online to demand back pay for labelling jobs.",
            "Scale AI",
        ),
        ("Workers at Sega of America voted to form a union with CWA.", "Sega of America"),
    ],
    ids=["a-crowd-work-platform", "a-subsidiary-with-its-own-staff"],
)
def test_workers_of_a_platform_or_subsidiary_are_tagged_with_it(text, employer):
    assert tag_story("", text).companies[:1] == (employer,)


def test_a_company_after_its_countrys_possessive_is_the_employer():
    """ "Riders for Kenya's Pikipiki": Kenya is where, Pikipiki the employer."""
    text = "Riders for Kenya's Pikipiki switched off their apps for two days over fares."
    assert tag_story("", text).companies[:1] == ("Pikipiki",)


def test_the_city_of_a_companys_office_is_no_company():
    """ "The company's Los Angeles headquarters" names a place, not a second employer."""
    text = "Hundreds of Netflix employees walked out of the company's Los Angeles headquarters."
    assert tag_story("", text).companies == ("Netflix",)


@pytest.mark.parametrize(
    ("text", "employer"),
    [
        (
            "Game testers at Carpathia QA, a Bucharest outsourcer, struck for two days.",
            "Carpathia QA",
        ),
        ("Shoppers for Zipbasket logged off during the holiday rush.", "Zipbasket"),
        (
            "Support agents at Helixa Support filed a class action over unpaid log-in time.",
            "Helixa Support",
        ),
        ("AI raters contracted through Labelry filed a class action over unpaid tests.", "Labelry"),
        (
            "Technicians at Norvik Semiconductor began a go-slow, refusing all overtime.",
            "Norvik Semiconductor",
        ),
    ],
    ids=["its-whole-name", "shoppers", "support-agents", "contracted-through", "technicians"],
)
def test_an_unknown_company_is_tagged_by_the_name_the_story_gives_it(text, employer):
    assert tag_story("", text).companies[:1] == (employer,)


def test_a_headline_union_named_with_tech_is_the_company_the_story_names_in_full():
    """ "Kairo Tech union" in the headline and "the union at Kairo Tech" in the lead: the
    company is Kairo Tech, not "Kairo" of a "Tech union"."""
    title = "Kairo Tech union opens pay talks"
    text = (
        "The newly recognised union at Kairo Tech, a Bangalore IT-services firm, began bargaining."
    )
    assert tag_story(title, text).companies[:1] == ("Kairo Tech",)


def test_agents_of_the_state_name_no_company():
    text = "Amazon workers protested the company's contracts with ICE agents at the border."
    assert "ICE" not in tag_story("", text).companies
