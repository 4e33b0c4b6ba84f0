"""Tagging speaks the archive's vocabulary: companies, actions, struggles, types, tags, workers."""

from __future__ import annotations

from datetime import UTC, datetime
from importlib import resources

import pytest

from pipeline import process
from pipeline.crawl_records import Article, FetchedPage
from pipeline.extract.article import extract_text
from pipeline.records import Tags
from pipeline.understand.action_model import story_tags
from pipeline.understand.deeds import ACTING
from pipeline.understand.features import story_features
from pipeline.understand.lexicon import parse_count
from pipeline.understand.reading import issue_tags, read_story
from pipeline.understand.relevance import judge_story
from pipeline.understand.sentences import sentences
from pipeline.understand.tagging import tag_story


def test_tag_story_returns_archive_tags_for_a_clear_story():
    tags = tag_story(
        "Google staff sign petition against drone contract",
        "More than 3,000 Google employees signed a petition asking the company to cancel "
        "its work on a Pentagon drone imagery program.",
    )
    assert isinstance(tags, Tags)
    assert tags.companies == ("Google",)
    assert tags.actions == ("open_letter",)
    assert tags.workers == 3000
    assert "military_contracts" in tags.tags
    assert "ethics" in tags.struggles
    assert tags.employment_types == ("white_collar",)


# --- companies -----------------------------------------------------------------------


def test_several_companies_list_the_acting_workers_employer_first():
    tags = tag_story(
        "",
        "Palantir's contract with immigration authorities runs on cloud servers, and on "
        "Monday hundreds of Amazon employees signed a letter asking Amazon to drop Palantir "
        "as a customer. Microsoft and Google declined to comment.",
    )
    assert tags.companies[0] == "Amazon"
    assert set(tags.companies) == {"Amazon", "Palantir", "Microsoft", "Google"}


def test_a_story_naming_no_company_has_no_companies():
    tags = tag_story(
        "Warehouse staff walk out",
        "Dozens of workers at a distribution center walked out on Friday over heat.",
    )
    assert tags.companies == ()


@pytest.mark.parametrize(
    ("text", "employer"),
    [
        (
            "Whole Foods workers in Philadelphia voted to form a union on Tuesday.",
            "Whole Foods Market",
        ),
        ("Foodpanda riders in Dhaka went on strike over a cut in per-order pay.", "Foodpanda"),
        ("Lieferando drivers in Hamburg went on strike for a collective agreement.", "Lieferando"),
        ("Blinkit delivery partners in Delhi went on strike over new payouts.", "Blinkit"),
    ],
)
def test_subsidiary_workers_are_tagged_with_their_own_employer(text, employer):
    """A brand that keeps its own workforce is the employer the archive names, not its owner
    (Foodpanda's riders, not Delivery Hero's)."""
    tags = tag_story("", text)
    assert tags.companies == (employer,)
    assert {"union_drive", "strike"} & set(tags.actions)


# --- workers -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "workers"),
    [
        ("More than 4,000 employees signed a letter to Google's chief executive.", 4000),
        ("100 Microsoft employees walked out of the Redmond campus on Friday.", 100),
        ("A dozen engineers at Salesforce resigned in protest over the contract.", 12),
        ("Two dozen Uber drivers protested outside the company's office.", 24),
        ("Twenty thousand Google employees walked out of their offices.", 20_000),
        ("Almost a thousand Amazon employees signed the petition.", 1000),
        ("Nearly 1.5k Meta staff signed an open letter to Mark Zuckerberg.", 1500),
        ("Hundreds of Wayfair workers walked out on Wednesday.", None),
        ("Thousands of Activision Blizzard employees signed an open letter.", None),
    ],
)
def test_workers_counts_the_people_taking_part_when_stated(text, workers):
    assert tag_story("", text).workers == workers


def test_shareholders_and_customers_are_not_counted_as_workers():
    tags = tag_story(
        "Shareholders press Amazon on facial recognition",
        "A group of 40 shareholders sent a letter to Amazon asking it to stop selling "
        "facial recognition to police, and 2,000 customers signed a petition too.",
    )
    assert tags.workers is None
    assert "open_letter" in tags.actions


def test_jobs_cut_by_management_are_not_workers_taking_part():
    tags = tag_story("", "Microsoft will cut 10,000 jobs, and 1,000 employees will be moved.")
    assert tags.workers is None
    assert tags.actions == ()
    assert "layoffs" in tags.tags


@pytest.mark.parametrize(
    ("phrase", "count"),
    [
        ("more than 4,000", 4000),
        ("a dozen", 12),
        ("two dozen", 24),
        ("twenty-five", 25),
        ("three hundred", 300),
        ("twenty thousand", 20_000),
        ("almost a thousand", 1000),
        ("over 800+", 800),
        ("1.5k", 1500),
        ("hundreds of", None),
        ("several", None),
    ],
)
def test_parse_count_reads_numbers_written_in_digits_or_words(phrase, count):
    assert parse_count(phrase) == count


# --- actions -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Over 500 IBM employees signed a petition against the policy.", {"open_letter"}),
        ("Hundreds of Netflix employees staged a walkout at the headquarters.", {"protest"}),
        ("Hundreds of Netflix employees walked off the job in a one-day strike.", {"strike"}),
        ("Netflix employees staged a walkout and a strike on Monday.", {"protest", "strike"}),
        ("Dozens of Google workers held a sit-in at the office of an executive.", {"protest"}),
        (
            "Four Microsoft engineers resigned in protest over the army contract.",
            {"protest", "resignation"},
        ),
        (
            "Workers at an Apple store in Maryland voted to join a union.",
            {"union_drive", "union_representation"},
        ),
        ("Tesla workers at the German plant are organizing a union drive.", {"union_drive"}),
        (
            "A group of former Twitter employees filed a class action over severance.",
            {"legal_action"},
        ),
        ("Thousands of Deliveroo riders went on strike over pay.", {"strike"}),
        ("Salesforce employees are demanding the company end the contract.", {"open_letter"}),
    ],
)
def test_actions_follow_the_archive_vocabulary(text, expected):
    assert set(tag_story("", text).actions) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Riders for Zapdash stopped work across three cities on Tuesday.", "strike"),
        ("Couriers of Quickbite logged out of the app for six hours over fees.", "strike"),
        ("Employees at Lanternfish voted 31-4 in favour of unionizing.", "union_representation"),
        ("A labour union was formed at the web portal Hanbit for the first time.", "union_drive"),
        ("Mosswood fired two union organizers a week after they went public.", "union_drive"),
        ("Staff of Brightloom filed a complaint with the labour department.", "legal_action"),
        ("Former engineers at Corvid Labs settled their age discrimination suit.", "legal_action"),
        ("Drivers for Rydo gathered outside the company's offices on Monday.", "protest"),
        ("Two employees who occupied the chief executive's office were fired.", "protest"),
        ("Workers at Tessellate issued a public statement opposing the sale.", "open_letter"),
        ("Engineers at Pixelhaus plan further action after management said no.", "protest"),
        ("Drivers for Zoomo staged a sick-out across the city on Friday.", "strike"),
        ("Delivery executives of Fetchly continued their strike for a third day.", "strike"),
        (
            "Workers at Tidewater voted to ratify their first-ever labour contract.",
            "union_representation",
        ),
        ("Engineers at Lanternfish oppose the new surveillance contract.", "open_letter"),
        ("Employees of Brightloom want a say in which clients the firm takes on.", "open_letter"),
        ("Staff at Mosswood are calling for better conditions after the cuts.", "open_letter"),
        ("Developers at Corvid Labs object to the new crunch policy.", "open_letter"),
        ("Staff at Dropbox are heading for the exits after the speech ban.", "resignation"),
        ("The entire development team at Pixelhaus has unionized.", "union_drive"),
        ("A third of Zapdash's delivery fleet stopped work on Monday.", "strike"),
        ("Engineers at Lanternfish raised concerns about the drone contract.", "open_letter"),
        ("Some Dropbox employees are threatening to quit over the office mandate.", "resignation"),
        ("Drivers for Rydo and Zapdash turned off their apps ahead of the listing.", "strike"),
        ("Fetchly delivery partners in Chennai struck work over the new incentives.", "strike"),
        ("Drivers for Rydo demonstrated over unpaid waiting times at the depots.", "protest"),
        ("Zapdash drivers in Queens walk off job", "strike"),
        ("Couriers for Rydo blocked streets in the city centre on Monday.", "protest"),
        (
            "Employees at Lanternfish publicly criticized the company for its new client.",
            "open_letter",
        ),
        ("Couriers of Quickbite held a one-day stoppage over falling earnings.", "strike"),
        (
            "Workers at Lanternfish joined the Office and Professional Employees International "
            "Union.",
            "union_drive",
        ),
        (
            "Zapdash shoppers in Chicago voted to join the United Food and Commercial Workers.",
            "union_drive",
        ),
        (
            "Annotators at Sablefin took the company to the employment court over pay.",
            "legal_action",
        ),
        ("Riders for Zapdash took Zapdash to the Court of Appeal over bargaining.", "legal_action"),
        ("Couriers for Quickbite lodged a joint tribunal claim over their status.", "legal_action"),
        ("Rydo drivers and their union filed objections to the election.", "legal_action"),
        ("Drivers for Rydo refused to log in for two days over the incentive cuts.", "strike"),
        ("Rydo and Zapdash drivers kept their cars off the road for a week.", "strike"),
        ("Drivers for Rydo in Abidjan parked their cars for three days.", "strike"),
        ("Drivers for Rydo switched off for two days over the commission.", "strike"),
        ("Couriers of Quickbite blocked Avenida Central for an hour.", "protest"),
        ("Riders for Zapdash blocked access to the airport over a colleague's death.", "protest"),
        ("Drivers for Rydo staged a slow convoy past the company's offices.", "protest"),
        ("Riders for Quickbite rode in a motorcycle convoy to its headquarters.", "protest"),
        ("Couriers for Quickbite blocked a highway after a colleague's death.", "protest"),
        (
            "Engineers at Lanternfish told managers they would not build the surveillance tool.",
            "protest",
        ),
        (
            "Testers at Pixelhaus voted 41 to 3 last spring to certify a union.",
            "union_drive",
        ),
        ("Pickers at Zapdash occupied the canteen for a morning over the heating.", "protest"),
        ("A majority of developers at Pixelhaus signed membership cards.", "union_drive"),
        ("The union at Pixelhaus filed for certification with the labour board.", "union_drive"),
        (
            "Couriers for Quickbite won a company agreement guaranteeing paid waiting time.",
            "union_representation",
        ),
        (
            "Couriers for Quickbite lodged a collective application with the labour commission.",
            "legal_action",
        ),
        ("Moderators at Lanternfish walked off the floor for the afternoon.", "strike"),
        ("Riders for Zapdash began a three-day shutdown on Monday.", "strike"),
        (
            "Developers at Pixelhaus registered a trade union with the labour department.",
            "union_drive",
        ),
        (
            "Engineers at Lanternfish signed up with the State IT/ITeS Employees Union.",
            "union_drive",
        ),
        ("The entire QA department at Pixelhaus stopped work for three days.", "strike"),
        ("Engineers at Lanternfish elected their first staff representatives.", "union_drive"),
        ("The union's bid for recognition at Lanternfish went to a ballot.", "union_drive"),
        ("Couriers for Quickbite halted deliveries across four districts.", "strike"),
        ("Support staff at Lanternfish worked to rule for two weeks over pay.", "strike"),
        ("Pickers at Zapdash refused all overtime in the peak season.", "strike"),
        ("Drivers for Rydo kept their apps switched off for five days.", "strike"),
        ("Annotators at Sablefin refused to start new tasks after the rate cut.", "strike"),
        ("Deliveroo riders in Sheffield struck repeatedly over the winter.", "strike"),
        ("A collective grievance was lodged by warehouse staff of Zapdash.", "legal_action"),
        (
            "Staff of Brightloom complained to the state labour department over unpaid wages.",
            "legal_action",
        ),
        (
            "The union took a case to the Workplace Relations Commission for moderators at "
            "Sablefin.",
            "legal_action",
        ),
        (
            "Couriers working for Quickbite registered the Quickbite Riders Association.",
            "union_drive",
        ),
        ("Developers at Pixelhaus formed a branch of an IT employees' union.", "union_drive"),
        ("Zapdash warehouse workers set up a union branch last year.", "union_drive"),
        ("Staff at Lanternfish launched a recognition campaign with Prospect.", "union_drive"),
        ("Twelve engineers at Lanternfish quit on the same day over the new policy.", "protest"),
    ],
)
def test_actions_are_read_in_their_common_phrasings(text, expected):
    assert expected in tag_story("", text).actions


@pytest.mark.parametrize(
    "text",
    [
        "Hundreds of Pfizer employees walked off the job over pay.",
        "Workers at Wells Fargo branches voted to unionize.",
        "Air France cabin staff went on strike on Friday.",
        "Employees at Tesco distribution centres staged a walkout.",
        "The Authors Guild filed a class action against OpenAI over its training data.",
    ],
)
def test_well_known_employers_outside_tech_are_no_tech_workers_acting(text):
    reading = read_story("", text)
    assert reading.outside
    assert reading.worker_deeds(ACTING) == []


def test_workers_of_a_story_about_labour_outside_tech_are_not_vouched_for():
    reading = read_story(
        "Nurses rally at the capitol",
        "Thousands of nurses rallied at the state capitol for safer staffing. "
        "Later their union said its members would go on strike.",
    )
    strike = next(d for d in reading.deeds if d.kind == "strike")
    assert strike.actor == "worker"
    assert strike.group is not None and strike.group.trust < 0.1


@pytest.mark.parametrize(
    "text",
    [
        "The state labor commissioner sued Uber over its drivers' wages.",
        "The EEOC sued Lyft, saying managers ignored harassment complaints.",
        "The attorney general sued DoorDash over tips it kept from couriers.",
        "California's labor commission sued Instacart over how it pays shoppers.",
    ],
)
def test_regulators_suing_a_platform_are_outsiders_not_its_workers(text):
    (deed,) = read_story("", text).deeds
    assert (deed.kind, deed.actor) == ("legal", "outsider")


def test_actions_of_activists_are_not_worker_actions():
    tags = tag_story(
        "Activists rally outside Amazon headquarters",
        "Hundreds of activists protested outside Amazon's offices against its cloud deals.",
    )
    assert tags.actions == ()


# --- struggles, employment types, issues ----------------------------------------------


@pytest.mark.parametrize(
    ("text", "types"),
    [
        ("Amazon warehouse workers walked out over heat.", ("blue_collar",)),
        ("Uber drivers went on strike for higher fares.", ("gig",)),
        ("Google contractors signed a petition for higher pay.", ("contract",)),
        ("Meta engineers signed an open letter to executives.", ("white_collar",)),
    ],
)
def test_employment_types_describe_the_acting_workers(text, types):
    assert tag_story("", text).employment_types == types


def test_struggles_and_issue_tags_name_what_the_action_is_about():
    tags = tag_story(
        "Riot Games staff walk out",
        "Riot Games employees walked out to protest forced arbitration in sexual harassment "
        "cases and the company's retaliation against organizers.",
    )
    assert {"sexual_harassment", "retaliation", "forced_arbitration"} <= set(tags.tags)
    assert {"discrimination", "unfair_labor_practices"} <= set(tags.struggles)


def test_issue_tags_come_from_the_action_reported_not_an_earlier_campaign():
    tags = tag_story(
        "Microsoft engineers petition over border agency deal",
        "Several hundred Microsoft engineers signed a petition on Wednesday asking the company "
        "to end its cloud work for immigration authorities. The petition went to the chief "
        "executive. Organisers plan to deliver it in person next week. Some of them took part "
        "in last year's campaign against a Pentagon contract for battlefield headsets.",
    )
    assert "immigration" in tags.tags
    assert "military_contracts" not in tags.tags


def test_the_demo_china_search_letter_is_not_a_military_story():
    site = resources.files("pipeline.demo") / "site" / "articles"
    html = (site / "google-dragonfly-transparency-letter.html").read_text("utf-8")
    tags = tag_story(
        "Google staff demand answers over censored search engine for China", extract_text(html)
    )
    assert tags.tags == ("censorship",)
    assert tags.companies[0] == "Google"
    assert "open_letter" in tags.actions


def test_ice_the_agency_is_not_ice_the_frozen_water():
    assert "ice" in issue_tags("Employees protested the contract with ICE.")
    assert "ice" not in issue_tags("The CEO made a joke about ice cream at the event.")


def test_return_to_office_and_layoffs_are_tagged():
    assert {"return_to_office", "layoffs"} <= set(
        issue_tags("Staff object to the return-to-office mandate after last year's layoffs.")
    )


@pytest.mark.parametrize(
    "text",
    [
        "Embracer Group has closed Volition, the studio behind the Saints Row franchise.",
        "The publisher is shutting down its Halifax studio.",
        "Ubisoft annonce des suppressions de postes à Düsseldorf.",
    ],
)
def test_a_studio_or_office_closed_is_tagged_layoffs(text):
    """Closing a studio or an office ends its staff's jobs, in any language of the feeds."""
    assert "layoffs" in issue_tags(text)


# --- the reading underneath ------------------------------------------------------------


def test_sentences_keep_abbreviations_inside_their_sentence():
    text = "Workers at U.S. Steel struck. Then Amazon Inc. staff joined.\nA new line."
    assert sentences(text) == [
        "Workers at U.S. Steel struck.",
        "Then Amazon Inc. staff joined.",
        "A new line.",
    ]


def test_read_story_ties_each_action_to_who_took_it():
    reading = read_story(
        "",
        "Amazon told employees they may not protest on campus. Hundreds of Amazon "
        "employees signed a petition anyway, while activists rallied outside.",
    )
    by_phrase = {d.phrase: d for d in reading.deeds}
    assert by_phrase["signed a petition"].actor == "worker"
    assert by_phrase["rallied"].actor == "outsider"
    assert by_phrase["protest"].value < by_phrase["signed a petition"].value


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("The union at Samsung Electronics began the company's first-ever strike.", "strike"),
        (
            "Workers at Amazon's Coventry warehouse staged the company's first UK strike in May.",
            "strike",
        ),
        (
            "Management at Ridgeline Studios voluntarily recognised a union of 110 developers.",
            "union",
        ),
        (
            "Indie studio Vodeo Games has voluntarily recognized a union formed by its staff.",
            "union",
        ),
        ("At Sable Interactive, management signed a collective agreement with the union.", "union"),
    ],
    ids=[
        "company-s-strike",
        "company-s-first-uk-strike",
        "management-recognised",
        "studio-recognised",
        "management-signed-agreement",
    ],
)
def test_an_act_told_with_the_company_as_its_subject_is_its_workers(text, kind):
    """ "The company's first strike" and a union the company recognised or signed a contract
    with are the workers' strike and their union's win, not the company's own doing."""
    acts = [d for d in read_story("", text).deeds if d.kind == kind]
    assert acts and all(d.actor == "worker" and d.group.employer for d in acts)


def test_a_story_is_read_once_for_its_relevance_and_its_tags(monkeypatch):
    reads = []

    def counting_read(title: str, text: str):
        reads.append(title)
        return read_story(title, text)

    monkeypatch.setattr(process, "read_story", counting_read)
    url = "https://news.example.org/2025/walkout.html"
    page = FetchedPage("news", url, url, 200, datetime(2025, 6, 2, tzinfo=UTC))
    article = Article(
        url=url,
        title="Google engineers walk out over drone contract",
        text="More than 3,000 Google engineers walked out on Thursday over a drone contract.",
    )
    story = process.understand(article, page, now=datetime(2025, 6, 2, tzinfo=UTC), threshold=0.5)
    assert reads == [story.title]
    assert story.relevance.label and "Google" in story.tags.companies
    assert story.tags == tag_story(story.title, story.text)


def test_tags_and_judgement_from_features_given_are_those_computed():
    """The pipeline computes a story's features once for judging and tagging it: the same
    answers as each computing its own."""
    title = "Couriers strike"
    text = "Hundreds of Deliveroo riders in Leeds went on strike over cuts to their fees."
    reading = read_story(title, text)
    features = story_features(title, text, reading)
    assert judge_story(title, text, reading, features=features) == judge_story(title, text, reading)
    given = story_tags(title, text, reading, relevant=True, features=features)
    assert given == story_tags(title, text, reading, relevant=True)
    assert features == story_features(title, text, reading)  # left as it was


@pytest.mark.parametrize(
    ("text", "won"),
    [
        ("Testers at Acme Games voted to join the Communications Workers of America.", True),
        (
            "Testers at Acme Games filed for an election, asking to join the Communications "
            "Workers of America.",
            False,
        ),
        ("Testers at Acme Games hope to join the Communications Workers of America.", False),
    ],
    ids=["voted-to-join", "asking-to-join", "hope-to-join"],
)
def test_joining_a_union_is_representation_only_when_done(text, won):
    actions = tag_story("", text).actions
    assert "union_drive" in actions
    assert ("union_representation" in actions) is won
