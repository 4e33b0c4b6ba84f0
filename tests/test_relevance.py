"""Relevance: tech workers acting together is relevant; look-alikes sharing its words are not.

Every story here was written for these tests (none is taken from a news source): ordinary
tech, business and labour news that must not raise an alert, and worker actions that must.
The reader's own score (``pipeline.understand.reader_score``) is held to every one of
them; the model that decides (``pipeline.understand.relevance``) learned from real news,
not from these, and is held to a ceiling of alerts on the look-alikes, pinned at what it
does today.
"""

from __future__ import annotations

import pytest

from pipeline.records import Relevance
from pipeline.understand.features import authority_leads
from pipeline.understand.reader_score import score_reading
from pipeline.understand.reading import read_story
from pipeline.understand.relevance import (
    NO_LABOUR_CEILING,
    NO_TECH_CEILING,
    ONE_PERSON_CEILING,
    OUTSIDE_TRADES_CEILING,
    STUDY_CEILING,
    judge_relevance,
)
from pipeline.understand.tagging import tag_story

# Look-alikes of ORDINARY_NEWS + LONG_ORDINARY_NEWS the model judges relevant today (of 85):
# mostly strikes outside tech, management's and governments' acts, and researchers' letters.
# Raising it is a deliberate, visible change: 15 -> 17 when the lead's tech wording beside an
# employer the gazetteer cannot place became a feature ("Uber drivers earn more after pay
# changes", "Amazon shares slide as union fears weigh" now pass 0.5), as precision on real
# news rose from 0.941 to 0.952 by grouped cross-validation. 12 -> 10 when the model learned
# also from ordinary stories written for the project (pipeline/data/written_stories.jsonl).
MODEL_ALERT_CEILING = 10


def reader_score(title: str, text: str) -> float:
    return score_reading(read_story(title, text))[0]


ORDINARY_NEWS = [
    (
        "Apple unveils thinner MacBook Air with new M-series chip",
        "Apple on Tuesday introduced a redesigned MacBook Air powered by its latest "
        "processor. The company said the laptop will ship next month in four colors.",
    ),
    (
        "Alphabet beats revenue estimates as cloud unit grows",
        "Google parent Alphabet reported quarterly revenue above analyst expectations, driven"
        " by strong growth in its cloud business. Shares rose 5% in after-hours trading.",
    ),
    (
        "Meta to cut 5% of staff in performance-based layoffs",
        "Meta Platforms plans to lay off about 3,600 employees it considers low performers, "
        "according to an internal memo from chief executive Mark Zuckerberg. The cuts will be"
        " completed by February.",
    ),
    (
        "Dell orders staff back to the office five days a week",
        "Dell Technologies told employees in a memo on Monday that they must work from "
        "company offices five days a week starting in March. Executives said in-person "
        "collaboration drives innovation.",
    ),
    (
        "Hackers stole customer data from ticketing platform, company says",
        "A cyberattack exposed the names and payment details of millions of customers, the "
        "company said on Friday. It has notified regulators and hired an outside security "
        "firm.",
    ),
    (
        "Hotel workers in Chicago walk off the job over wages",
        "Thousands of hotel housekeepers and cooks went on strike at more than a dozen "
        "downtown hotels on Saturday, demanding higher pay and safer workloads, their union "
        "said.",
    ),
    (
        "Teachers strike shuts schools across the district",
        "More than 20,000 teachers walked out of classrooms on Monday after contract talks "
        "with the school board collapsed. Parents scrambled to find childcare.",
    ),
    (
        "Dockworkers on East Coast begin first strike in decades",
        "Tens of thousands of port workers from Maine to Texas went on strike at midnight, "
        "halting cargo at dozens of ports as negotiations over automation stalled.",
    ),
    (
        "Climate activists block entrance to tech giant's campus",
        "About 50 activists chained themselves to the gates of a tech company's headquarters "
        "on Thursday to protest its data centers' water use. Police arrested twelve "
        "protesters.",
    ),
    (
        "Residents rally against proposed data center",
        "Hundreds of residents packed a county meeting to oppose a planned Microsoft data "
        "center, saying it would strain the local power grid and raise electricity bills.",
    ),
    (
        "Nvidia shares hit record after blowout earnings",
        "Nvidia reported revenue that nearly doubled from a year earlier as demand for its AI"
        " chips continued to outstrip supply. The stock climbed 8% on Thursday.",
    ),
    (
        "Amazon announces 10,000 new jobs at warehouses ahead of holidays",
        "Amazon said it will hire 10,000 seasonal workers across its fulfillment network and "
        "raise average starting pay for warehouse employees to $20 an hour.",
    ),
    (
        "Uber reports first annual profit",
        "Uber Technologies posted its first full-year operating profit since going public, "
        "helped by record ride bookings and growth in its delivery business.",
    ),
    (
        "Google fined in Europe over advertising practices",
        "European regulators fined Google nearly 3 billion euros on Wednesday, saying the "
        "company abused its dominance in online advertising technology.",
    ),
    (
        "Tesla recalls two million vehicles over Autopilot concerns",
        "Tesla is recalling more than two million vehicles in the United States to fix a "
        "system that is supposed to ensure drivers pay attention when using Autopilot, "
        "federal regulators said.",
    ),
    (
        "Microsoft CEO tells employees AI will reshape every job",
        "In a memo to staff, Microsoft chief executive Satya Nadella said artificial "
        "intelligence will change how every employee works and urged teams to adopt new tools"
        " quickly.",
    ),
    (
        "Salesforce to lay off 1,000 as it shifts to AI agents",
        "Salesforce is cutting about 1,000 roles across sales and support, according to "
        "people familiar with the plans, as the company invests in automated customer "
        "service.",
    ),
    (
        "Starbucks baristas at 100 stores join national strike",
        "Baristas at more than 100 Starbucks stores walked off the job on Friday in a strike "
        "organized by their union, which accuses the coffee chain of stalling contract talks.",
    ),
    (
        "Autoworkers ratify new contract with Detroit automakers",
        "Members of the United Auto Workers voted to approve new contracts with Ford, General"
        " Motors and Stellantis, ending a six-week strike.",
    ),
    (
        "Pilots at regional airline vote to authorize strike",
        "Pilots represented by their union voted overwhelmingly to authorize a strike if "
        "talks with management fail, though a walkout could be months away.",
    ),
    (
        "Video game voice actors reach deal with studios",
        "The actors' union announced a tentative agreement with major video game publishers, "
        "ending a months-long strike over protections against artificial intelligence.",
    ),
    (
        "OpenAI signs deal with defense contractor",
        "OpenAI said it will work with a defense technology firm to build systems that "
        "counter drone attacks, a shift from its earlier ban on military uses.",
    ),
    (
        "City council bans police use of facial recognition",
        "The city council voted 8-1 to prohibit police from using facial recognition "
        "software, joining a growing list of cities restricting the technology.",
    ),
    (
        "ICE expands detention capacity with new contracts",
        "Immigration and Customs Enforcement has signed contracts for several new detention "
        "facilities, according to government filings reviewed by reporters.",
    ),
    (
        "Shareholders reject proposal on Amazon's warehouse safety",
        "Amazon investors voted down a shareholder proposal asking for an independent audit "
        "of warehouse working conditions at the company's annual meeting on Wednesday.",
    ),
    (
        "Apple removes VPN apps from its store in Russia",
        "Apple pulled several virtual private network apps from its App Store in Russia at "
        "the request of the country's internet regulator, developers said.",
    ),
    (
        "Twitter rival Bluesky passes 20 million users",
        "The decentralized social network said sign-ups surged after changes at X, formerly "
        "Twitter, drove some users to look for alternatives.",
    ),
    (
        "Former Google engineer charged with stealing AI secrets",
        "A former software engineer at Google was indicted on charges of stealing trade "
        "secrets related to artificial intelligence chips while secretly working for "
        "companies in China.",
    ),
    (
        "Intel to build chip plant in Ohio with federal grants",
        "Intel will receive billions in federal subsidies to build a semiconductor factory "
        "near Columbus, which the company says will create 3,000 jobs.",
    ),
    (
        "Nurses at three hospitals begin two-day strike",
        "About 5,000 nurses walked off the job at three hospitals on Tuesday, saying chronic "
        "understaffing puts patients at risk. Hospital executives called the strike "
        "unnecessary.",
    ),
    (
        "Samsung posts weaker profit on chip slump",
        "Samsung Electronics said operating profit fell by a third in the last quarter as "
        "memory chip prices dropped, though it expects a recovery next year.",
    ),
    (
        "Protesters gather outside Tesla showroom in Berlin",
        "Several hundred demonstrators marched to a Tesla showroom on Saturday, chanting "
        "against Elon Musk's political activities. Police said the protest was peaceful.",
    ),
    (
        "TikTok sues U.S. government over divestment law",
        "TikTok and its parent company ByteDance filed a lawsuit challenging a law that would"
        " force the sale of the app, arguing it violates free speech protections.",
    ),
    (
        "Amazon CEO's annual letter to shareholders focuses on AI",
        "In his annual letter to shareholders, Amazon chief executive Andy Jassy wrote that "
        "generative AI will reinvent nearly every customer experience.",
    ),
    (
        "Writers' strike disrupts late-night shows",
        "Late-night television hosts went off the air as screenwriters continued their strike"
        " against the major studios and streaming services, including Netflix and Amazon.",
    ),
    (
        "Google to require employees to use AI coding tools",
        "Google is asking its engineers to use internal AI assistants for routine coding "
        "tasks, according to a company email seen by reporters. Managers will track adoption.",
    ),
    (
        "Spotify raises subscription prices in several markets",
        "Spotify will raise the monthly price of its premium plans in several European "
        "countries, the streaming company said on Monday.",
    ),
    (
        "Federal workers protest job cuts outside agency headquarters",
        "Hundreds of federal employees and their supporters rallied in Washington against "
        "mass layoffs ordered by the administration, which has enlisted tech executives to "
        "cut spending.",
    ),
    (
        "Microsoft strikes deal to buy nuclear power for data centers",
        "Microsoft struck a 20-year agreement to buy electricity from a restarted nuclear "
        "plant to power its artificial intelligence data centers.",
    ),
    (
        "Lawmakers question Meta over chatbot policies",
        "A group of senators sent a letter to Meta demanding answers about how its AI "
        "chatbots interact with teenagers, after reports raised safety concerns.",
    ),
    (
        "Deliveroo agrees to takeover by DoorDash",
        "Deliveroo's board backed a takeover offer from DoorDash, creating one of the largest"
        " food delivery companies outside China.",
    ),
    (
        "Strike at Boeing supplier halts fuselage production",
        "Machinists at a key Boeing supplier went on strike after rejecting a contract offer,"
        " halting production of fuselages for the 737.",
    ),
    (
        "Amazon bans employees from protesting on campus",
        "Amazon told employees on Monday that they may no longer hold protests inside company"
        " buildings, according to a policy update sent to staff.",
    ),
    (
        "Tech workers warm to unions, survey finds",
        "A growing share of software engineers say they would vote to unionize if given the "
        "chance, according to a survey of 2,000 tech workers released on Tuesday.",
    ),
    (
        "Striking writers picket outside Netflix",
        "Striking screenwriters marched outside Netflix's offices in Los Angeles on Wednesday"
        " as their walkout against the studios entered its second month.",
    ),
    (
        "Tesla sues former engineers over battery secrets",
        "Tesla has sued two former engineers, accusing them of taking confidential files "
        "about its battery production to a rival startup.",
    ),
    (
        "AI researchers sign letter calling for pause on giant models",
        "More than 1,000 AI researchers and tech leaders signed an open letter urging labs "
        "such as OpenAI and Google to pause training of their most powerful systems for six "
        "months.",
    ),
    (
        "IRS employees protest return-to-office order",
        "Hundreds of IRS employees rallied outside the agency's offices on Friday against an "
        "order to return to in-person work, as Elon Musk's cost-cutting team pushes for "
        "deeper cuts at federal agencies. Tesla shares fell 3%.",
    ),
    (
        "Engineers demand top salaries in AI talent war",
        "Engineers with experience training large models are demanding pay packages worth "
        "millions, as OpenAI, Google and Meta compete for a small pool of talent.",
    ),
    (
        "Google warns staff not to leak details of AI project",
        "Google warned employees not to share information about its next AI model and said "
        "anyone who leaked details would be fired.",
    ),
    (
        "Microsoft Teams outage disrupts work for millions",
        "A global outage of Microsoft Teams disrupted meetings for millions of workers on "
        "Wednesday before the company restored service.",
    ),
    (
        "Strikes hit military sites",
        "Air strikes on Tuesday targeted several military sites, officials said, and the "
        "defense ministry promised a response.",
    ),
    (
        "Senators urge Apple and Google to remove app",
        "A group of senators urged Apple and Google to remove a messaging app from their "
        "stores, citing national security risks.",
    ),
    (
        "Amazon customers protest price increase for Prime",
        "Prime subscribers flooded social media with complaints after Amazon raised the "
        "annual fee, and some customers launched a petition demanding a refund.",
    ),
    (
        "Uber drivers to be classified as employees in Spain",
        "A Spanish court ruled that Uber drivers must be treated as employees, a decision the"
        " company said it would appeal.",
    ),
    (
        "Meta employees get new performance review system",
        "Meta is changing how it rates employees, according to an internal memo, with more "
        "workers expected to receive lower ratings this year.",
    ),
    (
        "Former Twitter CEO launches new startup",
        "Parag Agrawal, who was fired as Twitter's chief executive, has raised $30 million "
        "for an AI startup, and several former Twitter engineers have joined him.",
    ),
    (
        "Apple wins dismissal of shareholder lawsuit over China sales",
        "A judge dismissed a lawsuit in which Apple shareholders claimed the company misled "
        "investors about demand for iPhones in China.",
    ),
    (
        "Google employees donate record sums to campaigns",
        "Employees of Alphabet gave more than $5 million to candidates in the election cycle,"
        " according to campaign finance records.",
    ),
    (
        "Amazon to pay $30 million to settle FTC claims over Ring and Alexa",
        "Amazon agreed to pay $30 million to settle allegations that employees of its Ring "
        "unit accessed customer videos and that Alexa kept children's recordings.",
    ),
    (
        "Activists project messages onto Google offices",
        "A coalition of immigrant rights groups projected slogans onto Google's offices in "
        "San Francisco to protest the company's cloud contracts with border agencies.",
    ),
    (
        "Hollywood actors join writers on picket lines",
        "Members of the Screen Actors Guild joined striking writers outside studios including"
        " Netflix and Amazon on Friday, shutting down most film production.",
    ),
    (
        "Video game industry layoffs top 10,000",
        "More than 10,000 game developers lost their jobs last year as studios owned by "
        "Microsoft, Embracer and others closed or cut staff.",
    ),
    (
        "Chip plant workers injured in Arizona gas leak",
        "Three workers at TSMC's Arizona factory were hospitalized after a chemical leak, the"
        " company said, adding that production was not affected.",
    ),
    (
        "Amazon shares slide as union fears weigh",
        "Amazon stock fell 2% as analysts warned that labor costs could rise if more "
        "warehouses unionize.",
    ),
    (
        "Musk says Tesla will not tolerate union at German plant",
        "Elon Musk said Tesla would not accept a collective agreement at its factory near "
        "Berlin, after the IG Metall union said it had gained members there.",
    ),
    (
        "Microsoft agrees to stay neutral in union campaigns at ZeniMax",
        "Microsoft said it would remain neutral if employees at its game studios seek to "
        "organize, under an agreement with the Communications Workers of America.",
    ),
    (
        "Pentagon signs AI deal with Google and Microsoft",
        "The Defense Department said it will use chatbots from Google and Microsoft in its "
        "offices, the latest in a string of military contracts for big technology companies.",
    ),
    (
        "Samsung heir acquitted in merger case",
        "A South Korean court cleared Samsung Electronics chairman Lee Jae-yong of fraud "
        "charges related to a 2015 merger.",
    ),
    (
        "Apple store in Paris closes after robbery",
        "An Apple store near the Opera was closed on Sunday after thieves smashed a window "
        "and took dozens of iPhones, police said.",
    ),
    (
        "Nvidia employees become millionaires as stock soars",
        "Many Nvidia employees now hold shares worth millions, and some have started to "
        "retire early, according to interviews with current and former staff.",
    ),
    (
        "Former Google employees launch advocacy group on AI safety",
        "A group of former Google and OpenAI employees launched a nonprofit to lobby "
        "lawmakers on AI safety rules.",
    ),
    (
        "Google CEO responds to questions at all-hands",
        "Sundar Pichai answered employee questions about the company's AI strategy at a "
        "regular all-hands meeting on Thursday.",
    ),
    (
        "Amazon faces backlash from customers over price",
        "Amazon faced backlash from shoppers after raising delivery fees, with many customers"
        " complaining online.",
    ),
    (
        "Workers at Google's data center in Iowa",
        "Google says the new data center will employ about 200 workers when it opens next year.",
    ),
    (
        "Uber drivers earn more after pay changes, company says",
        "Uber said drivers in New York earned 10% more per hour after it changed how fares "
        "are calculated.",
    ),
    (
        "Microsoft employees can now work from anywhere",
        "Microsoft will let employees work from home permanently, the company said, joining "
        "other tech firms in embracing remote work.",
    ),
    (
        "Google employee wins award for open-source work",
        "A Google engineer received an award from the Linux Foundation for her work on "
        "open-source security tools.",
    ),
    (
        "Netflix actors strike: what shows are affected",
        "The actors' strike against Hollywood studios has delayed production of several "
        "Netflix series, the streaming company said.",
    ),
    (
        "Former Meta employees say company ignored warnings",
        "Two former Meta employees told senators that the company ignored internal research "
        "about harm to teenagers.",
    ),
]

WORKER_ACTIONS = [
    (
        "Microsoft workers protest cloud deal with military",
        "Dozens of Microsoft employees gathered outside the company's Redmond campus on "
        "Friday to demand that it cancel a cloud computing contract with the army.",
    ),
    (
        "Google staff sign petition against AI weapons work",
        "More than 2,000 Google employees have signed a petition asking executives to pledge "
        "that the company will never build weapons systems.",
    ),
    (
        "Amazon warehouse workers in Staten Island walk out over heat",
        "Around 60 workers at an Amazon fulfillment center staged a walkout on Tuesday, "
        "saying managers ignored complaints about temperatures inside the building.",
    ),
    (
        "Uber and Lyft drivers strike across major cities",
        "Thousands of Uber and Lyft drivers switched off their apps on Wednesday in a "
        "coordinated strike demanding higher pay per mile and an end to unexplained "
        "deactivations.",
    ),
    (
        "Activision QA testers vote to unionize",
        "Quality assurance testers at an Activision studio voted 19-4 to form a union, "
        "becoming the latest group of game workers to organize.",
    ),
    (
        "Apple retail employees in Oklahoma City unionize",
        "Workers at an Apple store in Oklahoma City voted to join the Communications Workers "
        "of America, the second Apple location in the U.S. to unionize.",
    ),
    (
        "Meta content moderators sue over trauma",
        "A group of former content moderators who reviewed posts for Meta filed a "
        "class-action lawsuit claiming the work caused them lasting psychological harm.",
    ),
    (
        "Deliveroo riders stage protest over pay cuts",
        "Hundreds of Deliveroo riders protested outside the company's London office on Monday"
        " against a new fee structure they say cuts their earnings.",
    ),
    (
        "Samsung union launches first-ever strike",
        "Members of Samsung Electronics' largest union walked off the job on Monday in the "
        "first strike in the company's history, demanding a pay raise and more vacation days.",
    ),
    (
        "Netflix engineers resign in protest over policy change",
        "Three senior Netflix engineers resigned in protest after the company changed its "
        "content policy, according to a letter they shared with colleagues.",
    ),
    (
        "Instacart shoppers stage walkout during pandemic",
        "Instacart shoppers across the country walked off the job on Monday, demanding hazard"
        " pay and protective equipment as orders surged during the coronavirus outbreak.",
    ),
    (
        "Hundreds of IBM employees sign open letter on diversity rollback",
        "More than 500 IBM employees signed an open letter urging leadership to reverse the "
        "company's decision to end its diversity programs.",
    ),
    (
        "Tesla factory workers in Germany demand union contract",
        "Workers at Tesla's plant near Berlin rallied on Thursday to demand a collective "
        "bargaining agreement, saying production targets have made the line unsafe.",
    ),
    (
        "DeepMind staff urge Google to drop military contracts",
        "About 200 employees of Google DeepMind signed a letter calling on the company to end"
        " its contracts with military organizations.",
    ),
    (
        "Riot Games employees stage walkout over forced arbitration",
        "Over 150 Riot Games employees walked out of the company's Los Angeles office on "
        "Monday to protest its use of forced arbitration in harassment cases.",
    ),
    (
        "Shipt workers protest new pay algorithm",
        "Shipt shoppers in several cities held protests this week against a new pay algorithm"
        " they say has cut their earnings by as much as 40 percent.",
    ),
    (
        "Alibaba employees petition against 996 work schedule",
        "Engineers at Alibaba circulated a petition against the 996 schedule of long working "
        "hours, and hundreds of employees signed it within two days.",
    ),
    (
        "Twitter employees file lawsuit over unpaid severance",
        "A group of former Twitter employees filed a class action lawsuit accusing the "
        "company of failing to pay the severance it promised before the layoffs.",
    ),
    (
        "GitHub staff push back on ICE contract",
        "GitHub employees are pressuring the company to cancel its contract with Immigration "
        "and Customs Enforcement, and several staff members have resigned over the deal.",
    ),
    (
        "Kickstarter union ratifies first contract",
        "Kickstarter's union of about 85 workers ratified its first collective bargaining "
        "agreement, which includes raises and limits on layoffs.",
    ),
    (
        "Foxconn workers clash with guards over pay",
        "Hundreds of workers at Foxconn's iPhone factory in Zhengzhou protested overnight "
        "over delayed bonus payments, according to videos posted online.",
    ),
    (
        "Google fires 28 workers who staged sit-in over Israel contract",
        "Google dismissed 28 employees after a sit-in at its offices in New York and "
        "Sunnyvale protesting Project Nimbus.",
    ),
    (
        "Amazon workers in Alabama vote on union again",
        "Warehouse workers at Amazon's Bessemer facility began voting on whether to join the "
        "retail workers union, in a rerun of an election overturned by labor officials.",
    ),
    (
        "Twitter staff quit en masse after Musk ultimatum",
        "Hundreds of Twitter employees resigned on Thursday rather than commit to Elon Musk's"
        " demand for extremely hardcore work.",
    ),
    (
        "Salesforce employees protest at annual conference",
        "A group of Salesforce workers held signs outside the company's Dreamforce conference"
        " to protest its work with border authorities.",
    ),
    (
        "Microsoft employees demand company drop HoloLens army contract",
        "A group of Microsoft employees published a letter on Friday demanding that the "
        "company cancel a $480 million contract to supply augmented reality headsets to the "
        "U.S. Army.",
    ),
    (
        "Walkout at Riot Games",
        "Employees at Riot Games plan to walk out on Monday in protest of the company's "
        "handling of harassment allegations.",
    ),
    (
        "Amazon Labor Union files for election at second warehouse",
        "The Amazon Labor Union filed a petition with the National Labor Relations Board to "
        "hold a union election at another Staten Island warehouse.",
    ),
    (
        "DoorDash couriers strike over pay",
        "Couriers who deliver for DoorDash in several U.S. cities logged off on Friday in a "
        "strike over low pay.",
    ),
    (
        "Google contractors win raise after protest",
        "Contract workers who rate search results for Google won a pay raise after months of "
        "protest, their union said.",
    ),
    (
        "Amazon workers in Germany strike on Prime Day",
        "Amazon workers at seven warehouses in Germany went on strike on Tuesday, the Verdi "
        "union said, demanding a collective wage agreement.",
    ),
    (
        "Facebook cafeteria workers unionize",
        "Cafeteria workers at Facebook's Menlo Park campus, who are employed by a contractor,"
        " voted to join a union on Friday.",
    ),
    (
        "Shuttle drivers for Apple and Google vote to unionize",
        "Shuttle bus drivers for Apple and Google in Silicon Valley voted to unionize with "
        "the Teamsters.",
    ),
    (
        "Google employees stage die-in over cloud contract",
        "About 40 Google employees staged a die-in at the company's New York office to "
        "protest its cloud work for the Israeli government.",
    ),
    (
        "Des employés de Google signent une lettre ouverte",
        "Plus de 200 employés de Google DeepMind ont signé une lettre ouverte demandant à "
        "l'entreprise de renoncer aux contrats militaires.",
    ),
    (
        "Beschäftigte von Amazon streiken",
        "Hunderte Beschäftigte von Amazon in Leipzig haben am Montag die Arbeit niedergelegt,"
        " teilte die Gewerkschaft Verdi mit.",
    ),
    (
        "Trabajadores de Glovo en huelga",
        "Cientos de repartidores de Glovo iniciaron una huelga en Barcelona para exigir "
        "mejores condiciones.",
    ),
    (
        "Game developers at Blizzard form union",
        "Developers at Blizzard Entertainment's World of Warcraft team announced they had "
        "formed a union with the CWA, the latest group of game workers to organize.",
    ),
    (
        "Ex-Twitter employees win arbitration",
        "Hundreds of former Twitter employees who filed arbitration claims over unpaid "
        "severance won an early ruling, their lawyer said.",
    ),
    (
        "Microsoft workers launch campaign against AI contracts",
        "A group of Microsoft employees launched a campaign calling on the company to stop "
        "selling AI tools to the military.",
    ),
    (
        "Amazon Employees for Climate Justice speak out",
        "More than 350 Amazon employees publicly criticized the company's climate record, "
        "violating its external communications policy.",
    ),
    (
        "Google CEO apologizes after walkout",
        "Google chief executive Sundar Pichai apologized to employees on Thursday after "
        "thousands walked out of offices around the world.",
    ),
    (
        "Blizzard staff share salaries to protest low pay",
        "Blizzard employees shared their salaries in a spreadsheet this week to protest low "
        "wages at the game company.",
    ),
    (
        "Apple workers launch #AppleToo",
        "A group of current and former Apple employees launched a movement called #AppleToo "
        "to collect stories of harassment and discrimination at the company.",
    ),
    (
        "YouTube contractors strike",
        "Contract workers for YouTube Music who are employed by Cognizant went on strike in "
        "Austin, demanding the right to bargain with Alphabet.",
    ),
    (
        "DoorDash drivers decline low-paying orders",
        "Thousands of DoorDash drivers are refusing to accept orders that pay less than $7 as"
        " part of a campaign to push the company to raise pay.",
    ),
    (
        "Ubisoft employees demand change after misconduct reports",
        "More than 1,000 current and former Ubisoft employees signed a letter criticizing the"
        " company's response to sexual misconduct allegations.",
    ),
    (
        "Microsoft employees protest ICE contract",
        "Microsoft employees have written an open letter to CEO Satya Nadella asking the "
        "company to cancel its $19.4 million contract with ICE.",
    ),
    (
        "Google employees protest China search engine",
        "Hundreds of Google employees have signed a letter demanding more transparency about "
        "a censored search engine the company is building for China.",
    ),
    (
        "Amazon tech workers join warehouse workers in virtual walkout",
        "Amazon tech workers held a virtual event with warehouse workers to protest the "
        "firing of employees who spoke out about safety conditions.",
    ),
    (
        "",
        "Two engineers at Google quit over the company's work with the Pentagon, joining "
        "about a dozen others who have resigned in protest.",
    ),
]

_FILLER = (
    "The company did not respond to a request for comment. Analysts expect revenue to grow "
    "next year. The product will be available in stores in the spring. Executives said "
    "demand remained strong. "
)

LONG_ORDINARY_NEWS = [
    (
        "Google wins Pentagon cloud contract",
        "Google has won a share of a large Defense Department cloud contract, the Pentagon "
        "said on Wednesday. " + _FILLER * 2 + "The company has had a complicated relationship "
        "with the military. In 2018, thousands of Google employees signed a petition against "
        "a drone imagery program, and the company let the contract lapse.",
    ),
    (
        "Amazon opens new robotics warehouse",
        "Amazon opened a highly automated warehouse in Louisiana on Tuesday. "
        + _FILLER * 3
        + "Labor groups have criticized the company's injury rates, and workers at a "
        "warehouse in New York voted to unionize in 2022.",
    ),
    (
        "Meta's earnings call: what to know",
        "Meta Platforms reported better-than-expected earnings. "
        + _FILLER * 4
        + "The chief executive also addressed employee questions about the company's new "
        "performance ratings at an all-hands meeting.",
    ),
    (
        "Teamsters strike UPS",
        "The Teamsters said 340,000 UPS workers would go on strike if no deal was reached by "
        "Monday. The union represents drivers and package handlers at the delivery company, "
        "which competes with Amazon.",
    ),
    (
        "Los taxistas protestan contra Uber en Madrid",
        "Cientos de taxistas se manifestaron en el centro de Madrid contra la llegada de Uber "
        "y pidieron al gobierno regional más controles.",
    ),
]

LONG_WORKER_ACTIONS = [
    (
        "Inside the fight over the cloud contract",
        "For months, the tension had been building inside the company. Then, on Tuesday "
        "morning, more than 300 Microsoft employees walked out of their offices in Redmond to "
        "protest a cloud contract with a foreign military. " + _FILLER,
    ),
    (
        "Des salariés d'Ubisoft en grève",
        "Plusieurs centaines de salariés d'Ubisoft ont fait grève vendredi pour protester "
        "contre l'obligation de revenir au bureau, à l'appel de plusieurs syndicats.",
    ),
    (
        "",
        "Tech Workers Coalition members at Google, Amazon and Microsoft held a joint rally on "
        "Thursday, demanding that their employers end contracts with immigration authorities.",
    ),
    (
        "Amazon drivers strike ahead of holidays",
        "Drivers who deliver packages for Amazon walked off the job at several delivery "
        "stations on Thursday, the Teamsters said, in what the union called the largest strike "
        "against the company.",
    ),
]


def _title(case: tuple[str, str]) -> str:
    return case[0][:50] or case[1][:50]


@pytest.mark.parametrize("story", ORDINARY_NEWS + LONG_ORDINARY_NEWS, ids=_title)
def test_the_reader_scores_ordinary_news_low(story):
    assert reader_score(*story) < 0.5


def test_the_model_raises_few_alerts_on_look_alikes():
    alerts = [s[0] or s[1] for s in ORDINARY_NEWS + LONG_ORDINARY_NEWS if judge_relevance(*s).label]
    assert len(alerts) <= MODEL_ALERT_CEILING, alerts


@pytest.mark.parametrize("story", WORKER_ACTIONS + LONG_WORKER_ACTIONS, ids=_title)
def test_tech_workers_acting_together_is_relevant(story):
    relevance = judge_relevance(*story)
    assert relevance.label
    assert relevance.evidence


def test_there_are_enough_stories_of_each_kind():
    assert len(ORDINARY_NEWS) >= 40
    assert len(WORKER_ACTIONS) >= 20


def test_evidence_names_who_acted_how_and_against_which_employer():
    relevance = judge_relevance(
        "",
        "On Monday more than 1,200 Salesforce employees signed a letter asking the company to "
        "drop its contract with border authorities.",
    )
    assert isinstance(relevance, Relevance)
    assert relevance.evidence[:2] == ("more than 1,200 Salesforce employees", "signed a letter")


def test_evidence_adds_the_employer_when_the_workers_phrase_does_not_name_it():
    relevance = judge_relevance(
        "", "Hundreds of employees walked out of Wayfair's Boston headquarters on Wednesday."
    )
    assert relevance.evidence == ("Hundreds of employees", "walked out", "Wayfair")


def test_scores_stay_in_range_and_the_threshold_sets_the_label():
    story = ("", "A Microsoft employee disrupted the keynote to protest the contract.")
    relevance = judge_relevance(*story)
    assert 0.0 <= relevance.score <= 1.0
    assert judge_relevance(*story, threshold=0.0).label
    assert not judge_relevance(*story, threshold=1.01).label
    assert judge_relevance(*story, threshold=relevance.score).label


def test_one_worker_counts_less_than_a_group():
    alone = judge_relevance("", "A Google engineer signed an open letter against the deal.")
    group = judge_relevance("", "Forty Google engineers signed an open letter against the deal.")
    assert alone.score < group.score


def test_an_empty_story_is_not_relevant():
    relevance = judge_relevance("", "")
    assert not relevance.label and relevance.evidence == ()
    assert relevance.score < 0.2


def test_workers_told_by_management_to_stop_protesting_are_not_acting():
    told = ("", "Google told employees to stop protesting the contract inside its offices.")
    acting = ("", "Google employees protested the contract inside its offices.")
    assert reader_score(*told) < 0.5
    assert judge_relevance(*told).score < judge_relevance(*acting).score


@pytest.mark.parametrize(
    "story",
    [
        (
            "Wipro links bonuses to office days",
            "Wipro told staff that bonuses would depend on days spent in the office, as the IT "
            "firm pushes employees back to its campuses.",
        ),
        (
            "HCLTech begins pay rises after a delay",
            "HCLTech has started giving raises of 4% to 7% to most employees, according to "
            "letters sent on Monday, after the company postponed its appraisal cycle.",
        ),
        (
            "Commuter rail strike ends",
            "Locomotive engineers reached a tentative deal with the regional railway on Sunday, "
            "ending a three-day strike.",
        ),
    ],
    ids=_title,
)
def test_a_firms_push_its_letters_and_railway_engineers_are_no_tech_workers_acting(story):
    """The firm pushing its staff back to the office, the letters it sent them, and a
    railway's engineers: everyday news that once alerted."""
    assert reader_score(*story) < 0.2
    assert not judge_relevance(*story).label


def test_a_chief_executive_named_alone_is_management():
    story = (
        "",
        "Mark Zuckerberg emailed Meta employees on Friday asking them to return to the office "
        "three days a week.",
    )
    assert reader_score(*story) < 0.2
    assert not judge_relevance(*story).label


@pytest.mark.parametrize(
    ("text", "workers"),
    [
        (
            "Amazon employees sent Jeff Bezos a letter asking the company to stop selling face "
            "recognition to police.",
            "Amazon employees",
        ),
        ("Google workers handed Sundar Pichai a petition signed by 1,400 staff.", "1,400 staff"),
    ],
)
def test_workers_addressing_their_chief_executive_act(text, workers):
    relevance = judge_relevance("", text)
    assert relevance.label
    assert relevance.evidence[0] == workers


def test_workers_pushing_their_employer_still_act():
    story = ("", "Hundreds of engineers at the firm pushed management to drop the contract.")
    assert judge_relevance(*story).label


def test_denied_actions_do_not_count():
    denied = ("", "Amazon employees did not walk out on Monday, the company said.")
    done = ("", "Amazon employees walked out on Monday, the company said.")
    assert reader_score(*denied) < 0.5
    assert judge_relevance(*denied).score < judge_relevance(*done).score


def test_the_model_names_its_strongest_words_where_the_reader_found_no_act():
    story = ("", "Kakao said on Tuesday that the company's first labor union has been set up.")
    relevance = judge_relevance(*story)
    assert reader_score(*story) == 0.0
    assert relevance.label
    assert "union" in relevance.evidence
    assert not {"the", "of", "that", "has"} & set(relevance.evidence)


def test_the_models_words_are_quoted_as_the_story_has_them():
    story = ("", "Kakao said on Tuesday that 1,200 of the company's employees joined a union.")
    words = judge_relevance(*story).evidence
    assert words and all(w.lower() in story[1].lower() for w in words), words


def test_function_words_of_other_languages_are_no_evidence():
    story = (
        "Die Beschäftigten von Quillbit legen die Arbeit nieder",
        "Die Gewerkschaft hat die Beschäftigten als Protest gegen die Löhne zum Streik aufgerufen.",
    )
    relevance = judge_relevance(*story)
    assert not {"die", "als", "von", "gegen", "zum"} & set(relevance.evidence)


def test_shareholders_acting_on_an_ethics_issue_with_workers_are_relevant():
    relevance = judge_relevance(
        "Shareholders and employees press Amazon over facial recognition",
        "A group of shareholders sent a letter to Amazon asking it to stop selling facial "
        "recognition to police, joining hundreds of employees who signed a similar letter.",
    )
    assert relevance.label


def test_a_letter_addressed_to_shareholders_is_not_a_shareholder_action():
    relevance = judge_relevance(
        "An open letter to Amazon shareholders",
        "Vote for the proposal on face surveillance at the annual meeting, a civil liberties "
        "group urged investors.",
    )
    assert not relevance.label


def _deeds_by_kind(title: str, text: str, kind: str):
    return [d for d in read_story(title, text).deeds if d.kind == kind]


def _assert_workers_of(story: tuple[str, str], employer: str, kind: str | None = None) -> None:
    """The story alerts, and its workers acting (in its acts of ``kind``: the first of them)
    are ``employer``'s."""
    acts = [d for d in read_story(*story).deeds if d.actor == "worker" and kind in (None, d.kind)]
    assert acts
    if kind is None:
        assert {d.group.employer for d in acts} == {employer}
    else:
        assert acts[0].group.employer == employer
    assert judge_relevance(*story).label


def test_workers_named_inside_the_act_are_its_actors():
    """ "Striking couriers" and "a courier strike" say who strikes without a verb."""
    for title in (
        "Rides scarce as striking Lyft and Uber drivers log off for the evening",
        "A DoorDash courier strike leaves restaurants without deliveries",
    ):
        deed = _deeds_by_kind(title, "", "strike")[0]
        assert deed.actor == "worker" and deed.tie == 1.0, title
        assert reader_score(title, "") >= 0.5, title


def test_a_company_that_sues_its_former_engineers_is_not_their_strike():
    story = ("Lattice sues former engineers", "Lattice has sued three former engineers.")
    assert reader_score(*story) < 0.5


@pytest.mark.parametrize(
    "text",
    [
        "Mechanics at the Ford-owned scooter start-up Spin voted to unionize on Friday.",
        "Mechanics at the Ford-backed scooter start-up Spin voted to unionize on Friday.",
        "Mechanics at Spin, a scooter start-up owned by Ford, voted to unionize on Friday.",
        "Mechanics at Spin, whose parent company is Ford, voted to unionize on Friday.",
    ],
)
def test_an_owner_named_beside_the_employer_does_not_make_the_workers_outsiders(text):
    """ "The Ford-owned start-up Spin": Ford owns the employer; the workers are Spin's."""
    owned = ("", text)
    outside = ("", "Mechanics at Ford voted to unionize on Friday.")
    assert not read_story(*owned).outside
    assert read_story(*outside).outside
    assert reader_score(*owned) > reader_score(*outside)


def test_how_workers_feel_about_a_union_is_no_union_drive():
    feeling = ("How software engineers feel about joining a union", "")
    joining = ("Software engineers at Zendesk vote to join a union", "")
    assert reader_score(*feeling) < reader_score(*joining)


def test_one_named_persons_reasons_for_quitting_are_not_the_groups_act():
    """The engineers answering Dana Reyes did not quit; she did, alone."""
    story = (
        "",
        "Two senior engineers at Amazon dismissed Dana Reyes's reasons for quitting her job "
        "at AWS as wrong.",
    )
    assert all(d.actor != "worker" for d in _deeds_by_kind(*story, "resigned"))


def test_a_company_settling_or_sued_in_its_own_name_is_no_workers_act():
    """ "Lyft settles the lawsuit": the company acts; nobody's workers do."""
    for story in (
        ("Quillbit settles lawsuit with state attorneys general", ""),
        ("Quillbit sued by rival over patent infringement", ""),
        ("Quillbit and Rovr settle Oregon lawsuit", ""),
    ):
        assert all(d.actor != "worker" for d in read_story(*story).deeds), story
        assert not judge_relevance(*story).label, story
    (settles,) = _deeds_by_kind("Lyft settles lawsuit with state attorneys general", "", "legal")
    assert (settles.actor, settles.actor_phrase) == ("company", "Lyft")
    (listed,) = _deeds_by_kind("Delivery firms, including DoorDash, Uber, sue a city", "", "legal")
    assert (listed.actor, listed.actor_phrase) == ("company", "Uber")
    (drivers,) = _deeds_by_kind("", "In a blow to Uber, drivers sued the company.", "legal")
    assert drivers.actor == "worker"


@pytest.mark.parametrize(
    "story",
    [
        (
            "Lyft settles lawsuit with state attorneys general",
            "Lyft agreed to pay $20 million to resolve claims that it tracked users' locations.",
        ),
        (
            "Grab settles antitrust case with regulator",
            "Grab agreed to pay a fine of $7 million to close a competition regulator's review.",
        ),
    ],
    ids=lambda story: story[0],
)
def test_a_gig_platforms_business_news_naming_no_workers_is_not_an_alert(story):
    """A platform's settlement or earnings say nothing of its drivers or couriers."""
    assert not judge_relevance(*story).label


def test_a_gig_platforms_partners_blocking_its_office_are_its_workers_protesting():
    story = (
        "Ola driver partners block company office over fares",
        "Hundreds of Ola driver partners blocked the company's office in Bengaluru on Monday, "
        "demanding higher fares.",
    )
    (protest,) = _deeds_by_kind(*story, "protest")
    assert (protest.actor, protest.group.employer) == ("worker", "Ola")
    assert judge_relevance(*story).label


def test_a_newspaper_credited_as_the_source_is_no_employer_outside_tech():
    """ "..., reported the New York Times": the story's source, not a newsroom's strike."""
    for text in (
        "Engineers at Orbitar signed a letter against the contract, reported the New York Times.",
        "According to the Washington Post, engineers at Orbitar signed a letter on Monday.",
        "Engineers at Orbitar signed a letter on Monday, the Wall Street Journal reported.",
    ):
        assert not read_story("", text).outside, text
    assert read_story("", "Newsroom staff at the New York Times walked out on Monday.").outside


def test_former_employees_suing_their_company_is_their_legal_act():
    (suit,) = _deeds_by_kind(
        "",
        "Six former engineers of SpaceX sued the company on Tuesday, saying they were "
        "dismissed after complaining about harassment.",
        "legal",
    )
    assert suit.actor == "worker"


@pytest.mark.parametrize(
    "text",
    [
        "Amazon workers sued the company on Tuesday over unpaid overtime.",
        "Former Tesla employees sued Tesla over racial abuse at its factory.",
        "Uber drivers sue Uber over pay cuts.",
    ],
)
def test_workers_named_with_their_employer_before_suing_it_take_the_legal_act(text):
    """ "Tesla employees sued": the employees sue, not Tesla (it read as Tesla's own suit)."""
    (suit,) = _deeds_by_kind("", text, "legal")
    assert suit.actor == "worker"
    assert judge_relevance("", text).label
    (own,) = _deeds_by_kind("Tesla sues former employee over trade secrets", "", "legal")
    assert (own.actor, own.actor_phrase) == ("company", "Tesla")


def test_a_company_opposing_or_writing_a_letter_in_its_own_name_is_no_workers_act():
    story = (
        "Quillbit says it will stop selling face recognition to police",
        "Quillbit will stop selling the software, its chief executive said on Monday in a "
        "letter to members of Congress. In the letter, the company firmly opposed the use of "
        "any technology for mass surveillance.",
    )
    reading = read_story(*story)
    assert {d.kind for d in reading.deeds} == {"letter", "demand"}
    assert {d.actor for d in reading.deeds} <= {"management", "company"}
    assert not judge_relevance(*story).label
    (opposed,) = _deeds_by_kind("", "IBM firmly opposed the use of the software.", "demand")
    assert (opposed.actor, opposed.actor_phrase) == ("company", "IBM")


def test_anti_company_protests_are_outsiders():
    """ "anti-Uber protests": taxi drivers or activists against the company, not its workers."""
    story = (
        "Madrid taxis block access to a trade fair in anti-Uber protests",
        "Hundreds of taxi drivers blocked the roads to the fair on Wednesday.",
    )
    headline_protest = _deeds_by_kind(*story, "protest")[0]
    assert (headline_protest.actor, headline_protest.actor_phrase) == ("outsider", "anti-Uber")
    assert not judge_relevance(*story).label
    (own,) = _deeds_by_kind("Uber drivers protest outside the company's offices", "", "protest")
    assert own.actor == "worker"


@pytest.mark.parametrize(
    "text",
    [
        "Black-cab drivers staged a go-slow protest against Uber in central London on Monday.",
        "Yellow-cab drivers in Lima protested for a week against Uber and Cabify.",
    ],
    ids=["black-cab", "yellow-cab"],
)
def test_cab_drivers_named_by_a_compound_are_not_the_platform_s_workers(text):
    """ "black-cab drivers": a modifier outside tech counts at the end of a hyphenated word."""
    (protest,) = _deeds_by_kind("", text, "protest")
    assert protest.value == 0.0
    assert not judge_relevance("Cab drivers protest against ride-hailing apps", text).label


def test_traders_protesting_a_marketplace_are_outsiders():
    story = (
        "Shopkeepers protest against Amazon's discounts",
        "Traders closed their shops in dozens of towns on Thursday to protest against the deep "
        "discounts Amazon offers.",
    )
    acts = read_story(*story).deeds
    assert acts and {d.actor for d in acts} == {"outsider"}
    assert not judge_relevance(*story).label


def test_motorists_rallying_at_an_app_maker_are_outsiders():
    text = (
        "A motorists' group rallied outside the offices of the charging network Voltway on "
        "Monday, demanding refunds for drivers stranded by outages of its app."
    )
    acts = read_story("", text).deeds
    assert acts and {d.actor for d in acts} == {"outsider"}
    assert not judge_relevance("", text).label


@pytest.mark.parametrize(
    "story",
    [
        ("", "Opponents of Amazon's new campus rallied outside City Hall on Tuesday."),
        (
            "",
            "A group of families who lost children to online scams gathered outside Snap's "
            "headquarters on Sunday to protest.",
        ),
        ("", "Des militants écologistes ont organisé un sit-in devant le siège d'Amazon."),
    ],
    ids=lambda story: story[1][:30],
)
def test_opponents_families_and_activists_in_other_languages_are_outsiders(story):
    acts = read_story(*story).deeds
    assert acts and all(d.actor != "worker" for d in acts)
    assert {d.actor for d in acts} & {"outsider"}


def test_a_chief_executive_telling_staff_in_a_letter_is_no_workers_letter():
    """ "Zuckerberg told staff in a letter": the staff are told, the letter is his."""
    story = (
        "Meta lays off 11,000 employees",
        "Meta began laying off about 11,000 employees on Wednesday, 13 percent of its "
        "workforce, chief executive Mark Zuckerberg told staff in a letter.",
    )
    (letter,) = _deeds_by_kind(*story, "letter")
    assert (letter.actor, letter.actor_phrase) == ("management", "Mark Zuckerberg")
    assert not judge_relevance(*story).label
    signed = "Managers at Amazon told workers who signed the petition that they could be fired."
    assert {d.actor for d in read_story("", signed).deeds} == {"worker"}


def test_the_letter_told_again_is_the_one_workers_signed():
    story = (
        "",
        "More than 300 Orbitar engineers signed a letter to the chief executive on Monday. "
        "The letter asks the company to drop its contract with the border agency.",
    )
    letters = [d for d in read_story(*story).deeds if d.kind in ("letter", "open_letter")]
    assert len(letters) >= 2 and all(d.actor == "worker" for d in letters)


def test_quiet_quitting_is_no_resignation():
    for story in (
        ("Quiet quitting spreads among young tech workers", "Many workers say they do less."),
        ("", "Tech workers are quiet quitting in droves."),
    ):
        assert not _deeds_by_kind(*story, "resigned"), story


@pytest.mark.parametrize(
    "story",
    [
        (
            "Hotel workers in Las Vegas reach deal, averting strike",
            "The Culinary Workers Union reached a tentative agreement with three of the largest "
            "casino operators on the Strip, averting a strike by some 35,000 hotel and casino "
            "workers.",
        ),
        (
            "Bus drivers in London strike over pay",
            "Bus drivers on dozens of London routes walked out on Monday in a dispute over pay "
            "with operator Arriva, the Unite union said.",
        ),
        (
            "Disneyland workers authorize strike",
            "Costumed characters, ride operators and other workers at Disneyland voted to "
            "authorize a strike, a coalition of unions representing 14,000 employees said.",
        ),
        (
            "Ikea warehouse staff in France strike over wages",
            "Workers at several Ikea warehouses in France went on strike on Saturday to demand "
            "higher wages, the CGT union said.",
        ),
        (
            "Airport security screeners stage walkout in Brussels",
            "Security staff at Brussels Airport walked out on Wednesday, forcing the "
            "cancellation of all departing flights, in protest against pension reform.",
        ),
        (
            "Museum workers at the Philadelphia Museum of Art strike",
            "Workers at the Philadelphia Museum of Art walked off the job on Monday in an "
            "open-ended strike over pay and health benefits.",
        ),
    ],
    ids=_title,
)
def test_labour_news_naming_no_tech_company_and_no_tech_work_is_no_alert(story):
    """News holds many more strikes outside tech than the corpus the model learned from; a
    lead that names no tech company and no tech work is none of tech workers."""
    relevance = judge_relevance(*story)
    assert relevance.score <= NO_TECH_CEILING
    assert not relevance.label


@pytest.mark.parametrize(
    "story",
    [
        (
            "Couriers for Zapfood walk out over pay cut",
            "Couriers who deliver for Zapfood, a grocery delivery app, walked out on Friday "
            "after the company cut the fee it pays per order.",
        ),
        (
            "Workers at Lumen Labs vote to unionize",
            "Employees at Lumen Labs, a maker of accounting software, voted 40-12 to join the "
            "Communications Workers of America.",
        ),
        (
            "Les livreurs de Frichti en grève",
            "Les livreurs de la plateforme Frichti ont cessé le travail samedi pour protester "
            "contre la baisse de leur rémunération.",
        ),
        (
            "Repartidores de Rappi protestan en Bogotá",
            "Cientos de repartidores de la aplicación Rappi protestaron el martes en Bogotá "
            "para exigir mejores tarifas.",
        ),
        (
            "Entregadores de aplicativo fazem greve em São Paulo",
            "Entregadores de aplicativos como Rappi e Loggi fizeram uma greve nesta "
            "quarta-feira em São Paulo por melhores taxas.",
        ),
        (
            "Rider in sciopero a Milano",
            "I fattorini delle piattaforme di consegna hanno scioperato a Milano contro il "
            "nuovo contratto.",
        ),
        (
            "Employees at Quillory vote to join CWA",
            "Employees at Quillory voted 31-9 to join the union.",
        ),
    ],
    ids=_title,
)
def test_workers_of_an_app_or_software_maker_the_gazetteer_does_not_know_still_alert(story):
    """The words of tech work, in English, French, Spanish, Portuguese or Italian, or a
    union of tech workers, stand in for a tech company the gazetteer does not know;
    couriers are "livreurs", "repartidores", "entregadores" and "fattorini" too."""
    assert judge_relevance(*story).label


@pytest.mark.parametrize(
    "story",
    [
        (
            "Hospital technicians walk out over staffing software",
            "Radiology technicians at a hospital in Oregon walked out for a day to protest "
            "scheduling software they say leaves shifts understaffed.",
        ),
        (
            "Bank workers in Italy strike as services go digital",
            "Bank employees across Italy went on strike on Friday against branch closures and "
            "job cuts as lenders shift customers to online banking.",
        ),
    ],
    ids=_title,
)
def test_workers_placed_at_a_workplace_outside_tech_are_not_tech_workers(story):
    """A hospital's technicians or a bank's staff protesting software are no tech workers,
    though the lead speaks of tech: their own words place their employer outside tech."""
    acts = [d for d in read_story(*story).deeds if d.actor == "worker"]
    assert acts and all(d.group.trust == 0.0 for d in acts)
    assert not judge_relevance(*story).label


def test_film_writers_striking_over_streaming_pay_are_not_tech_workers():
    """Hollywood's studios and streaming pay are the film business, not tech work."""
    story = (
        "Screenwriters walk off the job as talks with studios collapse",
        "Several thousand film and television writers went on strike on Wednesday after "
        "their guild and the studios failed to agree on a contract. The guild said the "
        "studios had refused to share more of the money made from streaming.",
    )
    assert not judge_relevance(*story).label


@pytest.mark.parametrize(
    "story",
    [
        (
            "Samsung to pay chip staff record bonuses after memory boom",
            "Samsung Electronics will pay employees of its semiconductor division a bonus worth "
            "half their yearly salary after the unit reported its best annual profit, the "
            "company said on Monday.",
        ),
        (
            "Game publisher shuts Montreal studio and cancels its next title",
            "A video game publisher said on Tuesday it would close its Montreal studio, where "
            "about 120 developers worked, and cancel the open-world game the team had been "
            "building for four years.",
        ),
        (
            "Meta trims yearly stock grants for most staff",
            "Meta is reducing the annual stock awards it gives most of its employees by about a "
            "tenth this year, according to people familiar with the plan.",
        ),
    ],
    ids=_title,
)
def test_a_companys_own_decision_about_its_staff_is_no_alert(story):
    """No act and no word of a labour conflict: news of what a tech company decided for its
    staff, however much it speaks of their pay (the model alone gives the bonus story 0.9)."""
    relevance = judge_relevance(*story)
    assert not relevance.label
    assert relevance.score <= NO_LABOUR_CEILING


@pytest.mark.parametrize(
    "story",
    [
        (
            "Netherlands court rules Deliveroo riders are employees",
            "The Dutch Supreme Court ruled on Friday that riders delivering meals for Deliveroo "
            "are employees and not self-employed contractors, ending a case brought by the FNV "
            "union.",
        ),
        (
            "Google and its contractor are joint employers, labor board says",
            "The National Labor Relations Board said Google and staffing firm Cognizant are joint "
            "employers of YouTube Music contractors in Austin, who had sought to bargain with "
            "both companies.",
        ),
    ],
    ids=_title,
)
def test_a_ruling_on_workers_case_still_alerts_without_an_act(story):
    """The labelling guide counts a court's or a labour board's ruling on the workers' own
    case; its lead names no act, but it speaks of a case, a union, bargaining."""
    assert judge_relevance(*story).label


@pytest.mark.parametrize(
    "story",
    [
        (
            "Ex-Meta engineer sues over age discrimination",
            "A former Meta software engineer filed a lawsuit in federal court claiming he was "
            "pushed out because of his age.",
        ),
        (
            "Google researcher resigns over handling of AI ethics paper",
            "A Google research scientist resigned on Friday, criticising the company's decision "
            "to block publication of a paper she co-wrote.",
        ),
        (
            "Former Uber driver sues over deactivation",
            "A former Uber driver in Chicago filed a lawsuit claiming he was deactivated without "
            "explanation after a customer complaint.",
        ),
    ],
    ids=_title,
)
def test_one_workers_own_lawsuit_or_resignation_is_no_alert(story):
    """The labelling guide's individual case: one person suing or quitting, with no word of
    colleagues, a class or a union, is not collective action."""
    relevance = judge_relevance(*story)
    assert not relevance.label
    assert relevance.score <= ONE_PERSON_CEILING


@pytest.mark.parametrize(
    "story",
    [
        (
            "Former Apple employee files class action over bag searches",
            "A former Apple retail employee filed a class action on behalf of thousands of store "
            "workers who were not paid for time spent in bag checks.",
        ),
        (
            "Telltale sued by former employee over mass layoffs",
            "A former Telltale employee filed a lawsuit alleging the layoff of 250 employees "
            "without notice broke the WARN Act.",
        ),
        (
            "Fired Tesla worker says he was dismissed for union activity",
            "A former Tesla factory worker filed a charge with the labor board alleging he was "
            "fired for trying to organize a union.",
        ),
        (
            "Microsoft employee disrupts keynote to protest Israel contracts",
            "A Microsoft employee interrupted the company's keynote on Monday, shouting that its "
            "cloud contracts support the war in Gaza.",
        ),
    ],
    ids=_title,
)
def test_one_person_acting_for_many_or_in_protest_still_alerts(story):
    """One worker's class action, a charge over union organizing or a protest at a company
    event is the collective action the guide counts."""
    assert judge_relevance(*story).label


@pytest.mark.parametrize(
    "story",
    [
        ("", "Tech workers at the New York Times went on a one-day strike."),
        ("", "Tech staff at the Los Angeles Times walked out after talks over pay broke down."),
    ],
    ids=_title,
)
def test_the_tech_staff_of_an_employer_outside_tech_are_tech_workers(story):
    """A newspaper is no tech company, but its tech guild's strike is tech workers' action
    (LABELLING.md counts the New York Times Tech Guild's)."""
    assert judge_relevance(*story).label


def test_a_unions_line_of_work_a_ticker_or_a_nationality_names_no_employer():
    """A strike of labour outside tech names no company: not the trade in a union's name
    ("Alliance of Theatrical Stage Employees"), not a stock ticker ("004410.KS"), not an
    abbreviated nationality ("S.Korean union")."""
    for story in (
        (
            "Film crew union calls a strike vote",
            "Leaders of the Guild Alliance of Theatrical Stage Employees asked members to "
            "authorize a strike.",
        ),
        (
            "Doran Motor's S.Korean union votes to strike over pay",
            "Doran Motor Co's 004410.KS unionised workers voted to strike on Friday.",
        ),
    ):
        reading = read_story(*story)
        assert reading.candidates == () and reading.companies == (), story
    named = read_story("", "Workers at Quillbit, a Seoul-based app maker, voted to strike.")
    assert named.companies == ("Quillbit",)


def test_a_strike_against_a_government_is_labour_outside_tech():
    """Trade unions striking against a government's reforms strike against no employer;
    tech workers protesting their company's government contract still act at their own."""
    for story in (
        (
            "Varnish unions begin two-week political strike",
            "Varnland's trade unions started a two-week political strike on Monday.",
        ),
        (
            "",
            "Ten trade unions called a nationwide strike on Wednesday as a protest against the "
            "anti-worker policies of this government.",
        ),
    ):
        reading = read_story(*story)
        assert reading.outside, story
        assert all(d.group.trust <= 0.05 for d in reading.worker_deeds() if d.group), story
    contract = read_story(
        "", "Quillbit employees protested against the government contract with the border agency."
    )
    assert not contract.outside


def test_a_union_named_for_a_line_of_work_outside_tech_makes_a_story_of_outside_labour():
    """The "Varnland Education, Health and Allied Workers Union" and the "Federation of
    Teachers" strike outside tech; a union named for a tech company does not."""
    for text in (
        "The Varnland Education, Health and Allied Workers Union began its strike on Monday.",
        "Members of the Varnland Federation of Teachers went on strike on Monday.",
    ):
        reading = read_story("", text)
        assert reading.outside, text
        assert all(d.group.trust <= 0.05 for d in reading.worker_deeds() if d.group), text
    assert not read_story("", "The Quillbit Workers Union began its strike on Monday.").outside


def test_an_act_in_a_sentence_an_authority_leads_is_the_authoritys():
    """ "The ministry sued ...", "Quillbit was fined ...": a regulator, ministry or labour
    board acts there, not unnamed people; workers named before the authority keep their act."""
    for story, authority in (
        (
            ("", "Quillbit was fined for refusing collective bargaining, the ministry said."),
            "was fined",
        ),
        (("Ohio AG strikes settlement with Quillbit", ""), "AG"),
        (("", "The Zentrian government on Monday sued Quillbit."), "government"),
    ):
        (deed,) = read_story(*story).deeds
        assert (deed.actor, deed.actor_phrase) == ("outsider", authority), story
    (walkout,) = read_story(
        "", "Quillbit engineers walked out after the court fined the firm."
    ).deeds
    assert walkout.actor == "worker"
    # a court rules on a suit others brought, often the workers' own: it is no authority acting
    (suit,) = read_story(
        "", "A federal judge ruled on Tuesday in the class action against Quillbit."
    ).deeds
    assert suit.actor == "none"


def test_an_authority_acting_in_the_headline_or_first_sentence_is_found():
    for lead in (
        "Regulators fine Quillbit over riders' contracts\n",
        "\nIn a ruling on Tuesday, the National Labor Relations Board (NLRB) ruled that "
        "Quillbit broke the law. Workers had complained for years.",
        "Quillbit ordered by court to pay its couriers\n",
        "Ohio AG strikes settlement with Quillbit\n",
    ):
        assert authority_leads(lead), lead
    for lead in (
        "Quillbit engineers urge regulators to fine the company\n",
        "Quillbit asked the regulator to dismiss the complaint\n",
        "\nThe drivers filed a complaint with the labor board, which ruled on Friday.",
    ):
        assert not authority_leads(lead), lead


@pytest.mark.parametrize(
    "story",
    [
        (
            "Entregadores do iFood cruzam os braços em São Paulo",
            "Centenas de entregadores do iFood cruzaram os braços nesta terça-feira contra a "
            "redução das taxas por entrega.",
        ),
        (
            "Amazon, sciopero nei magazzini del Piemonte",
            "I magazzinieri di Amazon hanno incrociato le braccia lunedì per chiedere turni "
            "più brevi.",
        ),
        (
            "Gorillas-Fahrer legen die Arbeit nieder",
            "Die Fahrerinnen und Fahrer des Lieferdienstes Gorillas legten am Freitag in "
            "Berlin die Arbeit nieder.",
        ),
        (
            "Domiciliarios de Rappi se desconectan en Bogotá",
            "Cientos de repartidores de Rappi se desconectaron de la plataforma el martes para "
            "exigir mejores tarifas.",
        ),
    ],
    ids=["pt", "it", "de", "es"],
)
def test_strikes_told_in_other_languages_are_read_as_the_workers(story):
    """The everyday words of other languages for a strike and for its strikers
    ("cruzaram os braços", "magazzinieri", "legten die Arbeit nieder") are read as in English."""
    strikes = _deeds_by_kind(*story, "strike")
    assert any(d.actor == "worker" and d.group.employer for d in strikes)
    assert judge_relevance(*story).label


def test_volunteers_are_no_workers_of_the_company():
    """Reddit's volunteer moderators and its communities are its users, not its staff."""
    story = (
        "Thousands of subreddits go dark over the Orbitar-owned forum's new fees",
        "Volunteer moderators of thousands of Reddit communities organized a blackout to "
        "protest the company's plan to charge for its data.",
    )
    assert all(d.value == 0 for d in read_story(*story).deeds)
    assert reader_score(*story) == 0
    blackout = ("Thousands of subreddits go dark in protest over Reddit's data fees", "")
    (protest,) = _deeds_by_kind(*blackout, "protest")
    assert (protest.actor, protest.actor_phrase) == ("outsider", "subreddits")


def test_employers_urging_workers_are_not_the_workers_acting():
    story = (
        "Labour board limits anti-union meetings",
        "The labour board ruled that employers who urge workers to reject unionization in "
        "mandatory meetings break the law, in a case involving Amazon.",
    )
    unions = _deeds_by_kind(*story, "union")
    assert unions and all(d.actor != "worker" for d in unions)
    assert reader_score(*story) == 0


def test_one_workers_discrimination_case_is_an_individual_case():
    """A "discrimination case" is a lawsuit: one former employee's is capped as one person's."""
    story = (
        "Former Tesla employee awarded damages in racial discrimination case",
        "A federal jury awarded a former factory worker millions of dollars after finding "
        "the company failed to stop the harassment he faced.",
    )
    assert _deeds_by_kind(*story, "legal")
    assert judge_relevance(*story).score <= ONE_PERSON_CEILING


@pytest.mark.parametrize(
    "text",
    [
        "Ver.di called strikes at several Amazon logistics centres in Germany on Monday.",
        "STJV and Solidaires Informatique called strikes at Ubisoft's French studios.",
        "KITU held protests in Bengaluru against Infosys over delayed onboarding.",
    ],
    ids=["verdi", "stjv", "kitu"],
)
def test_a_union_named_alone_acts_for_its_members(text):
    """Archives and wire copy name the union, not its members ("Ver.di called strikes")."""
    acts = read_story("", text).deeds
    assert any(d.actor == "worker" and d.group.employer for d in acts)
    assert judge_relevance("", text).label


def test_a_gig_platform_after_on_is_where_its_workers_work():
    """ "Drivers on Uber", "professionals on Urban Company": the platform is their employer,
    where "said on Twitter" names only where something was said."""
    story = (
        "",
        "Service professionals on Urban Company held a sit-in outside the company's Gurugram "
        "office over rising commissions.",
    )
    reading = read_story(*story)
    assert reading.companies[:1] == ("Urban Company",)
    assert any(d.kind == "sit_in" and d.actor == "worker" for d in reading.deeds)
    assert read_story("", "Engineers complained on Twitter about the policy.").companies == ()


def test_a_former_employees_own_lawsuit_is_one_persons_case():
    """ "A former Amazon recruiter sues": the recruiter sues, not Amazon, and alone."""
    story = (
        "Former Amazon recruiter sues, alleging she was demoted after maternity leave",
        "A former Amazon recruiter has filed a lawsuit in federal court alleging that she was "
        "pushed out after returning from leave.",
    )
    suits = _deeds_by_kind(*story, "legal")
    assert suits and all(d.actor == "worker" and not d.group.plural for d in suits)
    assert judge_relevance(*story).score <= ONE_PERSON_CEILING


def test_organized_labor_is_no_act_of_organizing():
    text = "High salaries kept organized labor at the margins of the software industry."
    assert not _deeds_by_kind("", text, "organizing")


def test_the_company_deciding_in_spanish_is_management():
    """ "la decisión de la empresa de exigir": the company requires, its staff complain."""
    text = (
        "Varios trabajadores de Mercado Libre han criticado en redes la decisión de la empresa "
        "de exigir más días de trabajo presencial."
    )
    (demand,) = _deeds_by_kind("", text, "demand")
    assert (demand.actor, demand.actor_phrase) == ("management", "la empresa")


def test_workers_the_companies_are_accused_of_misclassifying_do_not_settle():
    story = (
        "",
        "The settlement resolves a lawsuit that accused Uber and Lyft of misclassifying drivers "
        "as independent contractors.",
    )
    assert all(d.actor != "worker" for d in read_story(*story).deeds)


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("Workers at Samsung's appliance plant struck for over a month.", "struck for"),
        ("Lieferando-Fahrer treten in den Warnstreik.", "Warnstreik"),
    ],
)
def test_struck_and_german_compound_strikes_are_strikes(text, phrase):
    (strike,) = _deeds_by_kind("", text, "strike")
    assert (strike.phrase, strike.actor) == (phrase, "worker")
    assert not _deeds_by_kind("", "Apple struck a deal with the chipmaker.", "strike")


@pytest.mark.parametrize(
    "text",
    [
        "Wipro revoked the offer letters of 452 freshers after delaying their onboarding.",
        "The new codes require appointment letters for all employees, including platform workers.",
    ],
)
def test_a_letter_a_company_gives_one_worker_is_no_workers_letter(text):
    """Offer, appointment and termination letters are the employer's paperwork."""
    assert not _deeds_by_kind("", text, "letter")
    assert reader_score("", text) == 0


def test_the_markets_demand_is_no_workers_demand():
    """ "Slower growth in customer demand" in a layoff story is the market's, not the staff's."""
    story = (
        "",
        "Microsoft said Wednesday it is laying off 10,000 employees, almost 5% of its "
        "workforce, as it braces for slower growth in customer demand and weaker demand for "
        "personal computers.",
    )
    assert not _deeds_by_kind(*story, "demand")
    assert not judge_relevance(*story).label
    (demand,) = _deeds_by_kind("", "Amazon warehouse workers demand higher pay.", "demand")
    assert demand.actor == "worker"


def test_companies_threatening_to_leave_a_city_act_in_their_own_name():
    """ "Uber and Lyft had threatened to leave the city" over a drivers' pay rule: the
    companies' threat, not the drivers' resignations."""
    story = (
        "",
        "The city council approved minimum pay for ride-hail drivers after Uber and Lyft had "
        "threatened to leave the city over an earlier version of the rule.",
    )
    (threat,) = _deeds_by_kind(*story, "resigned")
    assert (threat.actor, threat.actor_phrase) == ("company", "Lyft")
    assert not judge_relevance(*story).label


@pytest.mark.parametrize(
    "story",
    [
        (
            "Google's Pittsburgh contractors ask to bargain with HCL",
            "About 80 HCL Technologies contractors who work on Google's shopping service in "
            "Pittsburgh have asked to be represented by the United Steelworkers.",
        ),
        (
            "",
            "Moderadores de contenido de TikTok en Bogotá presentaron una solicitud para "
            "constituir un sindicato en Teleperformance.",
        ),
    ],
    ids=_title,
)
def test_joining_a_general_union_or_forming_one_in_spanish_is_a_union_drive(story):
    """The Steelworkers organize tech contractors too: their name makes no story of steel."""
    assert _deeds_by_kind(*story, "union")
    assert judge_relevance(*story).label


def test_an_open_source_registrys_staff_are_tech_workers():
    story = (
        "",
        "Employees of the JavaScript package registry npm Inc. filed charges with the labor "
        "board alleging the company fired workers in retaliation for organizing.",
    )
    assert judge_relevance(*story).label


def test_a_visa_or_court_petition_is_no_workers_petition():
    story = (
        "Trump imposes $100,000 fee on new H-1B visa applications",
        "A proclamation requires employers to pay $100,000 for each new H-1B visa petition, a "
        "change to a program tech companies rely on to hire skilled foreign workers.",
    )
    assert not _deeds_by_kind(*story, "open_letter")
    assert not judge_relevance(*story).label
    text = "More than 1,000 Google employees signed a petition against the contract."
    assert _deeds_by_kind("", text, "open_letter")


def test_workers_lead_the_supporters_acting_with_them():
    """ "Delivery workers and their advocates gathered to protest": the workers' protest."""
    text = (
        "A group of delivery workers and their advocates gathered in Lower Manhattan to "
        "protest Grubhub's decision to deactivate 50 couriers' accounts."
    )
    (protest,) = _deeds_by_kind("", text, "protest")
    assert (protest.actor, protest.actor_phrase) == ("worker", "A group of delivery workers")
    assert judge_relevance("", text).label


def test_employees_of_companies_listed_together_act_not_the_last_company():
    """ "Employees of Google and Amazon have urged": not Amazon urging."""
    text = (
        "A group of anonymous employees of tech giants Google and Amazon have urged the "
        "leaders of both companies to pull out of Project Nimbus."
    )
    (demand,) = _deeds_by_kind("", text, "demand")
    assert demand.actor == "worker"
    assert judge_relevance("", text).label


@pytest.mark.parametrize(
    ("text", "authority"),
    [
        (
            "A flaw in a widely used logging library is being exploited, researchers warned. The "
            "U.S. cybersecurity agency urged vendors such as Apple to patch their products.",
            "agency",
        ),
        (
            "La ley obliga a Glovo y Deliveroo a contratar a sus repartidores. La norma también "
            "exige a las empresas informar sobre sus algoritmos.",
            "La norma",
        ),
    ],
)
def test_an_authority_or_a_law_just_before_an_act_takes_it(text, authority):
    """An agency urging vendors or a law demanding disclosure is no one's collective act."""
    (demand,) = _deeds_by_kind("", text, "demand")
    assert (demand.actor, demand.actor_phrase) == ("outsider", authority)
    assert not judge_relevance("", text).label


def test_union_officials_are_no_outsiders():
    text = "Amazon warehouse staff walked out after union officials called a strike over heat."
    assert {d.actor for d in read_story("", text).deeds} == {"worker"}


def test_the_companies_take_their_own_threat_not_the_drivers_named_before():
    """ "Pay rules for Uber and Lyft drivers, after the companies had threatened to leave":
    the companies' threat, no drivers' protest."""
    text = (
        "Lawmakers in Colorado approved a minimum rate for Uber and Lyft drivers on Friday, "
        "after the companies had threatened to leave Denver over a stricter city rule."
    )
    (threat,) = _deeds_by_kind("", text, "resigned")
    assert (threat.actor, threat.actor_phrase) == ("company", "the companies")
    assert not judge_relevance("Colorado sets a pay floor for ride-hail drivers", text).label


@pytest.mark.parametrize(
    ("text", "kind", "authority"),
    [
        (
            "Oregon AG reaches $40 million wage settlement with DoorDash over courier tips.",
            "legal",
            "AG",
        ),
        (
            "The deal ends a lawsuit the state filed in 2021 over how the app counted tips.",
            "legal",
            "state",
        ),
    ],
)
def test_an_authority_settling_or_suing_in_its_own_name_takes_the_act(text, kind, authority):
    """An attorney general's settlement, or the state's lawsuit told after the act, is no
    workers' legal action."""
    (legal,) = _deeds_by_kind("", text, kind)
    assert (legal.actor, legal.actor_phrase) == ("outsider", authority)


def test_one_persons_suit_at_a_company_picket_does_not_know_is_still_one_persons_case():
    """The reader is unsure "Kestrova" is a tech employer, so the engineer's suit is a weak
    act; it is still one person's case, and capped as one."""
    story = (
        "Former data engineer sues Kestrova, alleging age bias",
        "A former data engineer at analytics company Kestrova has sued the firm in state "
        "court, alleging she was passed over for promotion because of her age.",
    )
    (suit, *_) = _deeds_by_kind(*story, "legal")
    assert suit.actor == "worker" and not suit.group.plural
    assert judge_relevance(*story).score <= ONE_PERSON_CEILING


def test_an_organiser_quitting_over_retaliation_for_activism_is_more_than_one_persons_case():
    """The labelling guide counts an organiser's protest resignation: "her activism" says
    there was a campaign behind her."""
    story = (
        "",
        "A Meta employee who led the campaign against the company's border-surveillance "
        "contract said she would resign, saying managers retaliated against her activism.",
    )
    assert judge_relevance(*story).score > ONE_PERSON_CEILING


def test_an_authority_named_after_by_takes_the_settled_lawsuit():
    text = (
        "Instacart will pay $3 million to settle a lawsuit brought by the District's attorney "
        "general over shoppers' tips."
    )
    legal = _deeds_by_kind("", text, "legal")
    assert legal and all(
        (d.actor, d.actor_phrase) == ("outsider", "attorney general") for d in legal
    )


def test_a_capitalised_rebel_is_a_name_not_a_revolt():
    """ "Safe Street Rebel" and "Extinction Rebellion" are groups' names."""
    text = "The group, Safe Street Rebel, has been stopping Cruise robotaxis with traffic cones."
    assert not _deeds_by_kind("", text, "demand")
    assert _deeds_by_kind("", "Engineers at Cruise are in open rebellion over the cuts.", "demand")


def test_a_company_named_as_a_place_is_no_subject_of_the_demand_after_it():
    """ "Drivers circle Uber headquarters demanding a pay floor": the drivers demand; and a
    car caravan is their protest."""
    story = (
        "Couriers circle DoorDash headquarters demanding higher base pay",
        "Dozens of DoorDash couriers drove a car caravan around the company's offices on "
        "Monday, honking horns and waving signs.",
    )
    (demand,) = _deeds_by_kind(*story, "demand")
    assert demand.actor == "worker"
    assert any(d.actor == "worker" for d in _deeds_by_kind(*story, "protest"))
    assert judge_relevance(*story).label


@pytest.mark.parametrize(
    "story",
    [
        (
            "Most app developers want a union in their industry, survey finds",
            "Six in ten mobile game developers said workers in their industry should unionise, "
            "according to an annual survey of 3,000 people released on Monday.",
        ),
        (
            "Study charts surge in union drives at game studios",
            "Union drives at video game studios in North America have tripled since 2021, "
            "according to a study released on Tuesday.",
        ),
        (
            "More young tech workers say they would join a union, poll finds",
            "Younger software engineers are far more willing to join a union than their older "
            "colleagues, a poll released on Monday found.",
        ),
        (
            "Annual report rates delivery apps on pay and conditions",
            "No delivery platform in the country met every standard for fair work, according "
            "to a yearly ranking by university researchers. Two apps scored three out of ten.",
        ),
        (
            "Union election filings climb to a ten-year high",
            "Workers filed more petitions for union elections last year than in any year of the "
            "decade, according to labour board data. Few of them were at tech companies.",
        ),
        (
            "Software maker's survey finds a third of workers plan to quit",
            "A third of office workers plan to leave their jobs within a year, according to a "
            "survey published by Microsoft on Tuesday.",
        ),
    ],
    ids=["survey", "study", "poll", "ranking", "data", "company-survey"],
)
def test_a_survey_or_study_of_tech_workers_is_no_alert(story):
    """The labelling guide's survey or trend piece: the news is the study, and workers in
    general, of no employer, are its subjects."""
    relevance = judge_relevance(*story)
    assert not relevance.label
    assert relevance.score <= STUDY_CEILING


def test_workers_striking_stay_relevant_when_the_lead_cites_a_survey():
    story = (
        "Glovo couriers strike in Milan as survey finds most earn below the minimum wage",
        "Hundreds of Glovo couriers stopped work in Milan on Friday over pay.",
    )
    assert judge_relevance(*story).label


def test_tech_workers_of_a_newspaper_striking_stay_relevant_when_the_lead_cites_a_survey():
    """ "tech workers at the Times": named with their employer, though it is no tech company."""
    story = (
        "Newspaper's tech workers strike as survey finds their pay lags",
        "Hundreds of tech workers at The New York Times walked off the job on Monday, a day "
        "after a survey found their pay lagged behind rivals.",
    )
    relevance = judge_relevance(*story)
    assert relevance.score > STUDY_CEILING
    assert relevance.label


def test_its_petition_is_the_petition_told_before():
    """ "In its petition it called the injunction too broad": Apple's court petition told
    again, no one else's."""
    text = (
        "Apple petitioned the Supreme Court to overturn the order. In its petition it called "
        "the injunction too broad."
    )
    petitions = _deeds_by_kind("", text, "open_letter")
    assert [(d.actor, d.actor_phrase) for d in petitions] == [("company", "Apple")] * 2


@pytest.mark.parametrize(
    "text",
    [
        "Glovo y los sindicatos firman el primer convenio colectivo para sus repartidores.",
        "Os entregadores do iFood e o sindicato assinaram um acordo coletivo.",
        "I rider di Just Eat hanno firmato il primo contratto integrativo con la società.",
        "Les livreurs de Deliveroo obtiennent une convention collective.",
        "Lieferando-Fahrer erkämpfen einen Tarifvertrag.",
    ],
    ids=["es", "pt", "it", "fr", "de"],
)
def test_a_collective_agreement_in_other_languages_is_union_representation(text):
    """The agreement is the union's act, and couriers "di" or "de" a platform are its workers."""
    assert any(d.actor == "worker" for d in _deeds_by_kind("", text, "union"))


def test_an_authority_named_as_the_acts_attribute_takes_it():
    """ "To pay drivers in an AG settlement": the attorney general's settlement, not the
    drivers' (who are paid, the object of "pay")."""
    text = "Lyft will pay $20 an hour to Oregon drivers in an AG settlement over tips."
    (settlement,) = _deeds_by_kind("", text, "legal")
    assert (settlement.actor, settlement.actor_phrase) == ("outsider", "AG")
    text = "DoorDash will pay couriers $5 million to settle the lawsuit."
    (settling,) = _deeds_by_kind("", text, "legal")
    assert settling.tie < 1  # the couriers paid are its object, loosely its actors


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        (
            "Sorting staff at a Kestrel Cloud warehouse halted work over the broken cooling.",
            "strike",
        ),
        ("Packers at an Amazon depot refused to return to the floor after lunch.", "strike"),
        ("Remote raters for Appen stayed offline for a third day over the rate cut.", "strike"),
        ("Contractors labelling images for Scale AI stopped taking tasks on Monday.", "strike"),
        ("Les livreurs Deliveroo se sont déconnectés de l'application à Lyon.", "strike"),
        ("I rider di Glovo hanno spento le app venerdì sera.", "strike"),
        ("I rider di Deliveroo hanno sfilato in corteo fino alla prefettura.", "protest"),
    ],
    ids=["halted-work", "refused-to-return", "offline", "tasks", "fr", "it-app", "it-corteo"],
)
def test_actions_told_without_the_usual_words_are_read(text, kind):
    assert any(d.actor == "worker" for d in _deeds_by_kind("", text, kind))


def test_a_court_in_italian_or_spanish_is_no_march():
    assert not _deeds_by_kind("", "La Corte Suprema ha dato ragione ai rider di Glovo.", "protest")


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Uber and Lyft drivers struck in cities across the US on the eve of the IPO.", "strike"),
        ("Workers at an Amazon logistics centre near Madrid struck during Prime Day.", "strike"),
        ("Entregadores do iFood fizeram um breque em São Paulo contra as taxas.", "strike"),
        (
            "Fahrer von Gorillas legten nach der Kündigung eines Kollegen spontan die Arbeit "
            "nieder.",
            "strike",
        ),
        ("Couriers for Frichti occupied the company's Paris premises for two days.", "sit_in"),
        ("In-store shoppers at an Instacart location voted to join UFCW Local 1546.", "union"),
        ("Warehouse staff at Amazon in Laval became the first certified union at Amazon.", "union"),
        ("Google DeepMind staff in London sought recognition for the CWU.", "union"),
        (
            "Trabajadores de Rappi formaron el primer sindicato de repartidores de la región.",
            "union",
        ),
        (
            "Moderadores de Teleperformance presentaron una queja ante el Ministerio del Trabajo.",
            "legal",
        ),
        ("Moderadores de Meta en Barcelona demandan a la subcontrata por daños.", "legal"),
        ("Blinkit riders in south Delhi refused orders over the payout cut.", "strike"),
        ("Meituan delivery riders in Jiangsu staged a stoppage over per-order pay.", "strike"),
        ("Workers at the Amazon warehouse were signing cards with the union.", "union"),
        ("Menulog couriers won an enterprise agreement with the TWU.", "union"),
        (
            "Les salariés de l'entrepôt d'Amazon à Laval ont obtenu leur accréditation syndicale.",
            "union",
        ),
        (
            "Funcionários do centro de distribuição do Mercado Livre em Cajamar entraram na "
            "Justiça do Trabalho contra as metas.",
            "legal",
        ),
        ("Uber drivers applied to the labour registry for recognition as a union.", "union"),
        ("La plantilla de Amazon en Martorelles secundó la huelga del lunes.", "strike"),
        ("Couriers at Shopee Express hubs in Bangkok stopped sorting parcels on Monday.", "strike"),
    ],
    ids=[
        "struck-in",
        "struck-during",
        "pt-breque",
        "de-split-verb",
        "premises",
        "ufcw",
        "certified-union",
        "sought-recognition",
        "es-first-union",
        "es-complaint",
        "es-sue",
        "refused-orders",
        "stoppage",
        "cards",
        "enterprise-agreement",
        "fr-accreditation",
        "pt-labour-court",
        "union-registration",
        "es-plantilla",
        "stopped-sorting",
    ],
)
def test_actions_in_archive_and_local_wording_are_workers_acts(text, kind):
    """Archive summaries and news of platform and warehouse workers abroad tell actions in
    words of their own."""
    assert any(d.actor == "worker" for d in _deeds_by_kind("", text, kind))


@pytest.mark.parametrize(
    "text",
    [
        "The merger agreement struck in March gives the board two seats.",
        "A delivery driver was struck on the highway near the depot.",
    ],
)
def test_struck_deals_and_people_struck_are_no_strikes(text):
    assert not _deeds_by_kind("", text, "strike")


def test_app_cab_drivers_are_a_platforms_workers_not_taxi_drivers():
    """ "Cab drivers" are a taxi trade's, but "app cab drivers" drive for a platform."""
    story = ("App cab drivers in Delhi strike over fares and fuel costs", "")
    (strike,) = _deeds_by_kind(*story, "strike")
    assert strike.group.trust > 0.1
    (taxi,) = _deeds_by_kind("Cab drivers in Delhi strike over fares and fuel costs", "", "strike")
    assert taxi.group.trust <= 0.1


@pytest.mark.parametrize(
    "text",
    [
        "Demand was growing fastest outside the technology sector, LinkedIn said.",
        "The company deferred raises for employees, citing uncertain client demand.",
        "The company deferred raises for employees, citing uncertain demand from clients.",
        "Many long-serving employees are now millionaires, raising concerns about retention.",
        "The chipmaker said it lacked skilled workers in Arizona, and the start of production "
        "at the plant was pushed back to 2027.",
    ],
)
def test_the_markets_demand_and_a_newss_effect_are_no_workers_demand(text):
    assert not _deeds_by_kind("", text, "demand")


@pytest.mark.parametrize(
    "story",
    [
        (
            "Uber Driver Wins Appeal Over Deactivation at Employment Tribunal",
            "A London Uber driver won an appeal at an employment tribunal on Monday after "
            "arguing he was unfairly deactivated. Uber said drivers can now ask for a human "
            "review.",
        ),
        (
            "Former SAP manager sues over demotion after parental leave",
            "A former manager at German software group SAP has filed a claim at the labour "
            "court. The company said it supports employees in balancing work and family.",
        ),
        (
            "Games publisher settles lawsuit by former employee over pay",
            "Blizzard has settled a lawsuit filed by a former senior engineer who alleged she "
            "was paid less than male colleagues doing the same work. She said she hoped the "
            "case would encourage others to check their pay.",
        ),
        (
            "Microsoft engineer resigns in public letter over cloud contract",
            "A Microsoft software engineer published his resignation letter on Monday, saying "
            "he could no longer work for the company.",
        ),
    ],
    ids=["driver-no-act", "former-manager", "than-colleagues", "resignation-letter"],
)
def test_one_workers_own_case_is_capped(story):
    assert judge_relevance(*story).score <= ONE_PERSON_CEILING


def test_many_workers_in_the_opening_keep_a_lawsuit_collective():
    story = (
        "Former employees sue Twitter over unpaid severance",
        "Dozens of former Twitter employees filed a lawsuit on Tuesday.",
    )
    assert judge_relevance(*story).score > ONE_PERSON_CEILING


@pytest.mark.parametrize(
    "text",
    [
        "A courier could be self-employed if he could accept or refuse orders and tasks.",
        "Zomato said delivery partners can log off at any time if conditions are unsafe.",
    ],
)
def test_a_couriers_freedom_to_refuse_or_log_off_is_no_strike(text):
    assert not _deeds_by_kind("", text, "strike")


def test_a_firm_named_management_company_is_no_management():
    text = (
        "Cafeteria workers employed by Bon Appétit Management Company have filed for a union "
        "election."
    )
    assert all(d.actor != "management" for d in _deeds_by_kind("", text, "union"))


@pytest.mark.parametrize(
    ("text", "company"),
    [
        ("Lalamove drivers gathered at the company's headquarters.", "Lalamove"),
        ("Takealot warehouse staff in Cape Town went on strike.", "Takealot"),
        ("Des salariés de Deezer interpellent la direction.", "Deezer"),
        ("I dipendenti di Milestone scrivono alla proprietà.", "Milestone"),
        ("Los empleados de King en Barcelona firmaron una carta.", "King"),
        ("La plantilla de Indra convoca huelga contra los despidos.", "Indra"),
        ("Fahrerinnen und Fahrer von Gorillas in Berlin legten die Arbeit nieder.", "Gorillas"),
        ("Data labellers contracted by Sama on OpenAI work filed a petition.", "Sama"),
        ("STMicroelectronics, sciopero ad Agrate contro i tagli.", "STMicroelectronics"),
    ],
)
def test_platforms_studios_and_it_firms_abroad_are_known(text, company):
    assert company in read_story("", text).companies


@pytest.mark.parametrize(
    "text",
    [
        "Grocery workers began a strike at King Soopers stores in Denver.",
        "Former PepsiCo chief Indra Nooyi joined the board.",
    ],
)
def test_names_inside_other_names_are_not_those_companies(text):
    assert not {"King", "Indra"} & set(read_story("", text).companies)


@pytest.mark.parametrize(
    ("text", "plaintiffs"),
    [
        (
            "A labour court in Porto Alegre ordered a ride-hailing app to hire its drivers as "
            "employees, in a lawsuit filed by the country's Labour Prosecutor's Office.",
            "Prosecutor",
        ),
        (
            "Google agreed to pay $40 million to settle a class action lawsuit alleging its "
            "smart speakers listened to customers without their consent.",
            "customers",
        ),
        (
            "Several food-delivery services filed a lawsuit against the city on Monday to "
            "block a minimum pay rule for couriers.",
            "Several food-delivery services",
        ),
        (
            "The supreme court upheld a ruling that Glovo riders were employees, in a case "
            "brought by the labour inspectorate.",
            "labour inspectorate",
        ),
    ],
)
def test_a_lawsuit_of_an_authority_users_or_companies_is_no_workers_act(text, plaintiffs):
    """A labour prosecutor's or inspectorate's case, a users' class action and the
    platforms' own suit against a pay rule are everyday legal news, not workers suing."""
    suits = _deeds_by_kind("", text, "legal")
    assert suits
    assert {d.actor_phrase for d in suits} == {plaintiffs}
    assert all(d.actor != "worker" for d in suits)


def test_a_workers_case_brought_by_their_union_is_theirs():
    text = (
        "A Dutch court sided with delivery riders in a case brought by the FNV union, "
        "ruling that Deliveroo must treat them as employees."
    )
    (case,) = [d for d in _deeds_by_kind("", text, "legal") if d.phrase.startswith("case")]
    assert case.actor == "worker"


def test_workers_an_employer_may_no_longer_require_to_attend_take_no_act():
    """ "Employers may no longer require workers to attend meetings against unionizing": the
    workers are the object, the board's ruling is the news."""
    text = (
        "The labor board ruled that employers may no longer require workers to attend "
        "meetings where managers argue against unionizing, in a case involving Amazon."
    )
    (unionizing,) = read_story("", text).deeds
    assert (unionizing.actor, unionizing.actor_phrase) == ("management", "employers")


def test_in_a_story_of_outsiders_alone_the_acts_of_no_one_are_theirs():
    """Protesters at showrooms and "organizers" urging a boycott: no unknown staff act."""
    title = "Protesters rally outside Tesla showrooms in dozens of cities"
    text = (
        "Hundreds of protesters gathered outside Tesla showrooms on Saturday in a day of "
        "action against the chief executive's role in government. Organizers urged people "
        "to sell their cars and shares. Demonstrations were mostly peaceful."
    )
    deeds = read_story(title, text).deeds
    assert deeds and {d.actor for d in deeds} == {"outsider"}
    assert not judge_relevance(title, text).label


def test_a_tech_guild_of_a_newspaper_strikes_as_tech_workers():
    """The tech workers of a newspaper are tech workers all the same (LABELLING.md), even
    when the story names the paper and the journalists' guild."""
    text = (
        "Hundreds of members of The Times Tech Guild, a union affiliated with the NewsGuild "
        "of New York, went on strike on Monday. The union represents about 600 software "
        "engineers and data analysts who run the New York Times website and apps."
    )
    (strike,) = _deeds_by_kind("", text, "strike")
    assert strike.actor == "worker" and strike.group.trust > 0.5
    assert judge_relevance("", text).label


def test_one_producers_lawsuit_is_her_own_case():
    title = "Former studio producer sues game company over firing"
    text = (
        "A former senior producer at an independent game studio has sued the company, "
        "alleging she was fired weeks after reporting harassment."
    )
    suits = _deeds_by_kind(title, text, "legal")
    assert suits and all(d.actor == "worker" and not d.group.plural for d in suits)


@pytest.mark.parametrize(
    ("title", "text", "outsiders"),
    [
        (
            "Subreddits go dark over API pricing",
            "Reddit moderators took thousands of forums private on Monday in a protest "
            "against the company's plan to charge developers for its data.",
            "Reddit moderators",
        ),
        (
            "",
            "Thousands of Canadians said they would stay away from a grocery chain for a "
            "month in a boycott organised on a Reddit forum over food prices.",
            "Canadians",
        ),
        (
            "",
            "Thousands of people marched through Lisbon on Sunday to protest against "
            "short-term rentals, calling for limits on platforms such as Airbnb.",
            "Thousands of people",
        ),
    ],
)
def test_forum_moderators_and_crowds_are_outsiders(title, text, outsiders):
    """A forum's volunteer moderators, a country's shoppers and a city's marchers protest
    as users and residents, not as anyone's staff."""
    deeds = read_story(title, text).deeds
    assert deeds and {(d.actor, d.actor_phrase) for d in deeds} == {("outsider", outsiders)}
    assert not judge_relevance(title, text).label


def test_a_class_action_brought_by_taxi_drivers_is_no_tech_workers_act():
    """The agent named a few words after "brought by" brings the suit; taxi and hire-car
    drivers suing a ride-hailing app are its rivals, not its workers."""
    text = (
        "Uber agreed to pay A$270 million to settle a class action brought by more than "
        "8,000 Australian taxi and hire-car drivers, who said its entry into the market "
        "ruined their businesses. Lawyers said it was the fifth-largest class action "
        "settlement in the country's history."
    )
    suits = _deeds_by_kind("", text, "legal")
    assert len(suits) == 2  # the class action settlement told again is theirs too
    assert all(d.actor_phrase == "hire-car drivers" and d.value == 0 for d in suits)


def test_by_and_a_gerund_names_a_means_not_an_agent():
    text = (
        "The agency filed a lawsuit against Tesla on Thursday, accusing the company of "
        "breaking federal law by tolerating racial abuse of its Black workers."
    )
    assert all(d.actor != "worker" for d in read_story("", text).deeds)


@pytest.mark.parametrize(
    ("text", "phrase", "employer"),
    [
        (
            "Foodpanda promises fast meals, but its delivery business stalled on Friday as "
            "its riders started protesting over cuts to their fees.",
            "its riders",
            "Foodpanda",
        ),
        (
            "More than 450 developers working on Blizzard Entertainment's Diablo games have "
            "voted to unionize.",
            "More than 450 developers",
            "Activision Blizzard",
        ),
        (
            "Two former TikTok content reviewers have sued the company over the trauma of "
            "screening violent videos.",
            "Two former TikTok content reviewers",
            "TikTok",
        ),
    ],
)
def test_workers_named_by_their_company_or_product_act(text, phrase, employer):
    """ "Its riders" after a delivery app, developers "working on" a studio's games and a
    platform's content reviewers are that company's workers."""
    deeds = [d for d in read_story("", text).deeds if d.actor == "worker"]
    assert deeds and (deeds[0].actor_phrase, deeds[0].group.employer) == (phrase, employer)
    assert judge_relevance("", text).label


def test_a_ride_hailing_apps_riders_and_riders_given_contracts_are_not_its_staff_acting():
    """Uber's "riders" are its passengers; riders a regulator says Glovo must give contracts
    to are the object, not the actors."""
    passengers = "Uber said its riders protested the surge prices on social media."
    assert all(d.actor != "worker" for d in read_story("", passengers).deeds)
    fined = (
        "Glovo was fined for not giving its riders formal labour contracts, the labour "
        "ministry said."
    )
    assert all(d.value < 0.5 for d in read_story("", fined).deeds)


def test_a_petition_filed_in_court_is_no_open_letter():
    text = (
        "An arbitrator ordered X to pay a former engineer $600,000 in severance; the award "
        "was confirmed in a petition filed in federal court in San Francisco."
    )
    assert not _deeds_by_kind("", text, "open_letter")


@pytest.mark.parametrize(
    ("title", "text", "kind"),
    [
        (
            "Sony drops an account rule after a player revolt",
            "Sony reversed a plan to make PC players link a PlayStation Network account, after "
            "thousands of players left negative reviews. The studio had urged Sony to back down.",
            "demand",
        ),
    ],
)
def test_an_outcry_named_after_its_people_is_theirs(title, text, kind):
    """ "A player revolt", "user backlash": the players' or users' outcry, not staff's."""
    deeds = _deeds_by_kind(title, text, kind)
    assert deeds and all(d.actor == "outsider" for d in deeds)
    assert not judge_relevance(title, text).label


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        (
            "About 120 data annotators at a Kampala labelling firm stopped work on Monday, "
            "demanding three months of unpaid overtime.",
            "strike",
        ),
        (
            "Un grupo de trabajadores del centro de distribución de Mercado Libre presentó "
            "más de 300 afiliaciones al sindicato de Camioneros.",
            "union",
        ),
        (
            "Un grupo de 25 moderadores de contenido de Facebook ha presentado una demanda "
            "contra la subcontrata por los daños psicológicos sufridos.",
            "legal",
        ),
        (
            "Workers at Amazon's warehouse in Garner voted against joining the independent "
            "union by 2,447 votes to 829.",
            "union",
        ),
        (
            "Veertig bezorgers van Thuisbezorgd legden zaterdag het werk neer in Utrecht.",
            "strike",
        ),
        (
            "De vakbond heeft namens 300 medewerkers van Booking een zaak aangespannen.",
            "legal",
        ),
        (
            "Quince repartidores de Glovo en Valencia presentaron una querella contra la "
            "plataforma por los accidentes sufridos.",
            "legal",
        ),
        (
            "Le syndicat des salariés d'Amazon a obtenu gain de cause après une action en "
            "référé contre l'entreprise.",
            "legal",
        ),
        (
            "I fattorini di Glovo a Torino hanno ottenuto un accordo con i sindacati che "
            "applica il contratto nazionale della logistica.",
            "union",
        ),
    ],
)
def test_more_ways_workers_act(text, kind):
    """Data annotators, union affiliations and a suit in Spanish, a union vote lost, and
    acts in Dutch, Spanish, French and Italian."""
    deeds = _deeds_by_kind("", text, kind)
    assert deeds and deeds[0].actor == "worker"


def test_a_collective_agreement_in_german_is_representation():
    text = "Die Gewerkschaft vida hat den ersten Kollektivvertrag für Fahrradboten beschlossen."
    assert _deeds_by_kind("", text, "union")


def test_one_named_persons_reasons_are_that_persons_act():
    """ "Tim Bray's reasons for quitting": one person's act, told as such, not unknown staff's."""
    text = "Two engineers have answered Tim Bray's reasons for quitting his job at AWS."
    (quitting,) = _deeds_by_kind("", text, "resigned")
    assert (quitting.actor, quitting.actor_phrase) == ("person", "Tim Bray")


def test_organizers_no_tech_company_is_named_with_are_outsiders():
    text = (
        "Immigration and Customs Enforcement renewed its contract with Palantir, despite "
        "protests from organizers demanding that the agency end the deal."
    )
    assert {d.actor for d in read_story("", text).deeds} == {"outsider"}
    with_employer = "Organizers at Amazon's Staten Island warehouse walked out on Friday."
    (walkout,) = read_story("", with_employer).deeds
    assert walkout.actor == "worker"


@pytest.mark.parametrize(
    "text",
    [
        "Hundreds of social media moderators in Germany are calling on lawmakers to improve "
        "their working conditions at the outsourcing firm.",
        "Le vendredi 8 novembre, environ cinquante employés du studio se sont rassemblés "
        "devant le siège de la société pour protester contre un plan de licenciements.",
    ],
)
def test_social_media_moderators_and_french_employees_gathering_act(text):
    """Social media moderators are no social workers; "se sont rassemblés devant" and "pour
    protester" are a protest."""
    deeds = [d for d in read_story("", text).deeds if d.actor == "worker"]
    assert deeds and deeds[0].group.trust > 0.05  # not placed outside tech


def test_the_group_told_after_outsiders_is_theirs():
    """ "A passenger advocacy group said ... The group called on": the group's demand, not
    the night-shift workers it spoke of; "when demand spiked" is the market's."""
    text = (
        "A passenger advocacy group in London said Uber's surge pricing had left night-shift "
        "workers paying triple fares. The group called on the transport authority to require "
        "clearer estimates. Uber said surge pricing brings more drivers out when demand spiked."
    )
    deeds = read_story("", text).deeds
    assert [(d.kind, d.actor) for d in deeds] == [("demand", "outsider")]
    assert not judge_relevance("", text).label


def test_workers_described_by_nationality_and_their_work_are_not_a_crowd():
    text = (
        "Four Kenyans who labelled toxic content for an AI company have petitioned the "
        "country's parliament over their pay."
    )
    assert all(d.actor != "outsider" for d in read_story("", text).deeds)


def test_a_product_demonstration_and_a_platforms_suit_are_no_workers_acts():
    """Staff showing a model "in live demonstrations" protest nothing; "a lawsuit by
    DoorDash, Uber and Grubhub" is the companies' own, while "protests by Rappi
    distributors" stay the couriers'."""
    demo = (
        "OpenAI introduced a new model on Monday. In live demonstrations in San Francisco, "
        "staff had the assistant translate a conversation."
    )
    assert not _deeds_by_kind("", demo, "protest")
    suit = (
        "A judge dismissed a lawsuit by DoorDash, Uber and Grubhub seeking to block the "
        "city's minimum pay rule for delivery workers."
    )
    (dismissed,) = _deeds_by_kind("", suit, "legal")
    assert (dismissed.actor, dismissed.actor_phrase) == ("company", "DoorDash")
    couriers = "Protests by Rappi distributors in Colombia ended with backpacks burned."
    assert all(d.actor != "company" for d in read_story("", couriers).deeds)


def test_a_company_saying_it_condemned_is_its_own_act():
    text = (
        "Prosecutors say couriers hired through agencies were paid 2 euros a delivery. "
        "Glovo said it condemned any illegal hiring."
    )
    demands = _deeds_by_kind("", text, "demand")
    assert [(d.actor, d.actor_phrase) for d in demands] == [("company", "Glovo")]


def test_words_of_one_kind_side_by_side_are_one_act():
    """ "Class action settlements": one legal act, not a second one of nobody's."""
    text = (
        "The payout to the hotel owners is one of the largest class action settlements "
        "the country has seen."
    )
    assert len(_deeds_by_kind("", text, "legal")) == 1


def test_a_citys_transport_workers_are_outside_tech_and_no_company():
    title = "Quito transport workers strike over fuel prices"
    text = "Bus drivers in Quito stopped work on Monday to demand lower diesel prices."
    reading = read_story(title, text)
    assert not reading.companies
    assert all(d.group is None or d.group.trust <= 0.05 for d in reading.deeds)
    assert not judge_relevance(title, text).label


def test_drivers_a_bill_keeps_self_employed_make_no_proposal():
    text = (
        "The government sent parliament a bill on minimum pay for app drivers. The proposal "
        "also sets pension contributions while keeping drivers classified as self-employed."
    )
    (proposal,) = _deeds_by_kind("", text, "proposal")
    assert proposal.actor != "worker"


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        (
            "A faulty router update disrupted communication between the company's data "
            "centres for four hours.",
            "disruption",
        ),
        (
            "In a livestreamed demonstration, the company's researchers asked the assistant "
            "to translate a menu.",
            "protest",
        ),
    ],
)
def test_an_outage_and_a_product_demonstration_are_no_acts(text, kind):
    assert not _deeds_by_kind("", text, kind)


def test_workers_disrupting_a_keynote_still_disrupt():
    text = "Two Microsoft employees disrupted the chief executive's keynote on Thursday."
    (disruption,) = _deeds_by_kind("", text, "disruption")
    assert disruption.actor == "worker"


def test_a_stage_crews_union_deal_is_outside_tech():
    title = "Film crews' union reaches tentative deal with Hollywood studios"
    text = (
        "The International Alliance of Theatrical Stage Employees reached a tentative "
        "agreement with the studios covering 40,000 crew members."
    )
    assert "Hollywood" not in read_story(title, text).companies
    assert not judge_relevance(title, text).label


def test_an_amazon_site_named_by_its_code_is_amazons():
    title = "DCK6 walkout"
    text = "Workers at the DCK6 warehouse walked out over a heat wave and break times."
    assert read_story(title, text).companies[:1] == ("Amazon",)
    assert judge_relevance(title, text).label


def test_members_of_a_union_named_by_its_acronym_work_where_they_strike():
    text = (
        "Pickets gathered at Amazon's BHX4 warehouse in Coventry as more than 300 GMB union "
        "members staged a strike against the company."
    )
    strikes = [d for d in _deeds_by_kind("", text, "strike") if d.actor == "worker"]
    assert strikes and all(d.group.employer == "Amazon" for d in strikes)


def test_a_recognition_deal_is_union_representation():
    text = "The GMB union signed a recognition deal with Uber covering its drivers in Britain."
    assert "union_representation" in tag_story("", text).actions


def test_in_a_story_of_no_workers_a_suit_of_no_one_is_the_suing_companys():
    """ "Nintendo sues Palworld developer Pocketpair ... a patent lawsuit": one studio is no
    workers, and the suit told again is Nintendo's."""
    title = "Nintendo sues Palworld developer Pocketpair"
    text = (
        "Nintendo and The Pokémon Company filed a patent infringement lawsuit against the "
        "Tokyo studio, seeking an injunction and damages."
    )
    suits = _deeds_by_kind(title, text, "legal")
    assert len(suits) == 2 and all(d.actor == "company" for d in suits)
    assert not judge_relevance(title, text).label


@pytest.mark.parametrize(
    ("text", "company"),
    [
        (
            "Apple asked the appeals court to review the order, arguing it went beyond Epic "
            "Games' antitrust lawsuit.",
            "Epic Games",
        ),
        ("Arm had sued Qualcomm, arguing the licence could not be transferred.", "Arm"),
    ],
)
def test_a_companys_own_suit_is_its_act(text, company):
    """ "Epic Games' antitrust lawsuit": a company's possessive suit; Arm as it is called."""
    suits = _deeds_by_kind("", text, "legal")
    assert [(d.actor, d.actor_phrase) for d in suits] == [("company", company)]


def test_taxi_drivers_rallying_against_an_app_are_not_its_workers():
    """Taxi drivers "in Busan rally against Kakao" are its rivals; cab drivers "working
    for Ola" are its workers."""
    title = "Taxi drivers in Busan rally against Kakao's ride service"
    (rally,) = _deeds_by_kind(title, "", "protest")
    assert rally.group.employer is None and rally.group.trust <= 0.05
    (strike,) = _deeds_by_kind("Cab drivers working for Ola strike over fares", "", "strike")
    assert strike.group.employer == "Ola"


@pytest.mark.parametrize(
    "story",
    [
        (
            "Researchers press Amazon to stop selling face recognition to police",
            "Two dozen computer-vision researchers signed a letter on Wednesday urging Amazon to "
            "halt sales of the software to police forces.",
        ),
        (
            "Scientists sign letter asking AI labs to pause their largest models",
            "Hundreds of scientists signed a letter on Tuesday calling on labs including OpenAI "
            "and Google to pause work on their largest models for six months.",
        ),
    ],
    ids=["researchers-urging-a-company", "scientists-calling-on-labs"],
)
def test_researchers_writing_to_companies_they_name_no_employer_of_are_outsiders(story):
    """Researchers and scientists may work anywhere: named with no employer and addressing
    the companies their sentence names, they are outsiders writing to them."""
    acts = read_story(*story).deeds
    assert acts and all(d.actor != "worker" or d.group.employer is None for d in acts)
    assert not judge_relevance(*story).label


@pytest.mark.parametrize(
    ("story", "employer"),
    [
        (
            (
                "Researchers at DeepMind urge Google to drop military contracts",
                "About 200 employees of the AI lab signed a letter to its leadership this week.",
            ),
            "Google DeepMind",
        ),
        (
            (
                "Hundreds of Microsoft researchers call on the company to end an ICE contract",
                "The researchers published their letter on Thursday.",
            ),
            "Microsoft",
        ),
        (
            (
                "Safety researchers quit in protest",
                "Three safety researchers at OpenAI resigned on Friday, saying the company had "
                "broken its promises on safety.",
            ),
            "OpenAI",
        ),
    ],
    ids=["researchers-at-the-lab", "the-researchers-told-before", "named-in-the-lead"],
)
def test_researchers_named_with_their_employer_stay_its_workers(story, employer):
    assert judge_relevance(*story).label
    assert tag_story(*story).companies[0] == employer


@pytest.mark.parametrize(
    ("text", "employer"),
    [
        (
            "Developers at Tallowmere Studio, an indie game developer in Leeds, went on strike "
            "over unpaid overtime.",
            "Tallowmere Studio",
        ),
        (
            "Developers at Ashgrove Games went on strike after the studio cut salaries by a fifth.",
            "Ashgrove Games",
        ),
        (
            "Staff at Mandoria Systems issued a public statement criticising the job cuts.",
            "Mandoria Systems",
        ),
        (
            "Six workers at Lumex Microsystems began a hunger strike over unpaid overtime.",
            "Lumex Microsystems",
        ),
    ],
    ids=["studio-by-its-description", "studio-by-its-name", "systems", "microsystems"],
)
def test_an_archive_summary_of_a_company_the_gazetteer_does_not_know_is_relevant(text, employer):
    """The story's own description, or a name ending in a software or hardware word, makes
    the company a tech employer: its workers act."""
    acts = [d for d in read_story("", text).deeds if d.actor == "worker"]
    assert acts and {d.group.employer for d in acts} == {employer}
    assert judge_relevance("", text).label


@pytest.mark.parametrize(
    "story",
    [
        (
            "Van drivers strike at Wickhamford depots",
            "Drivers at Wickhamford, a regional parcel delivery company, stopped work at four "
            "depots on Monday over routes planned by new routing software.",
        ),
        (
            "Editors at Ashgrove strike over cloud workflow",
            "Editors and colourists at Ashgrove, a London film studio, walked out on Tuesday over "
            "a new online editing system they say lengthened their days.",
        ),
    ],
    ids=["parcel-company", "film-studio"],
)
def test_workers_of_a_company_the_story_places_outside_tech_are_no_tech_workers(story):
    """Software and an online system in the lead do not make a parcel carrier's drivers or a
    film studio's editors tech workers: the story says what their employer is."""
    assert not judge_relevance(*story).label


def test_developers_at_a_company_the_gazetteer_does_not_know_are_its_workers():
    """A company whose developers act is taken for a software or game maker, a little less
    surely than one the gazetteer knows."""
    text = (
        "Developers at Vellmoor published an open letter on Wednesday accusing executives of "
        "hiding plans for layoffs."
    )
    (letter,) = _deeds_by_kind("", text, "open_letter")
    assert letter.actor == "worker" and letter.group.employer == "Vellmoor"
    assert 0.5 < letter.group.trust < 1.0
    assert judge_relevance("", text).label


@pytest.mark.parametrize(
    "text",
    [
        "Property developers at Halvorsen protested outside city hall over a zoning ruling.",
        "Developers at Leamington studio walked out on Thursday.",  # a place, no company
        "Developers at the University of Leeds signed a petition against pension cuts.",
    ],
    ids=["property-developers", "a-place", "a-university"],
)
def test_developers_at_no_company_name_no_tech_employer(text):
    assert all(d.group is None or d.group.employer is None for d in read_story("", text).deeds)


@pytest.mark.parametrize(
    ("text", "employer"),
    [
        (
            "Staff at Quenby walked out of the company's Gdansk office over a pay freeze.",
            "Quenby",
        ),
        (
            "Over 80 employees at Marrowfield signed a petition asking the company to restore "
            "remote work.",
            "Marrowfield",
        ),
        ("Back-office staff at Tolvane in Pune held a vigil over workloads.", "Tolvane"),
    ],
    ids=["its-office", "remote-work", "back-office"],
)
def test_office_staff_at_a_company_the_gazetteer_does_not_know_are_its_workers(text, employer):
    """Desk work at an unknown company: more likely a software firm's staff than a
    factory's, so its workers, though less surely than developers'."""
    acts = [d for d in read_story("", text).deeds if d.actor == "worker"]
    assert acts and {d.group.employer for d in acts} == {employer}
    assert all(d.group.trust < 1.0 for d in acts)
    assert judge_relevance("", text).label
    assert tag_story("", text).companies[:1] == (employer,)


@pytest.mark.parametrize(
    "text",
    [
        "Workers at Harlow Freight walked out of the company's Leeds office over pay.",
        "Hundreds of workers at Kestrelby marched through the town after bonuses were cut.",
    ],
    ids=["a-freight-firm", "no-desk-work"],
)
def test_workers_at_an_unknown_company_with_no_sign_of_tech_are_not_placed(text):
    """A name ending in a trade outside tech, or no office or desk work told of: the company
    could as well be a haulier's or a factory's."""
    assert all(d.group is None or d.group.employer is None for d in read_story("", text).deeds)
    assert not judge_relevance("", text).label


def test_contractors_said_to_moderate_content_are_their_companys_tech_workers():
    text = (
        "Contractors at Brellis, who review posts for social media clients, filed a complaint "
        "with the labour inspectorate over unpaid breaks."
    )
    (complaint,) = _deeds_by_kind("", text, "legal")
    assert complaint.actor == "worker" and complaint.group.employer == "Brellis"
    assert judge_relevance("", text).label


@pytest.mark.parametrize(
    "text",
    [
        # the staff are the object of the owner's memo; its demand is not theirs
        "The platform's new owner sent staff an email on Friday asking them to commit to "
        "longer hours or leave with severance.",
        # members of a group that is no union are outsiders
        "Members of a climate group occupied the lobby of a Microsoft office in Dublin, "
        "demanding the company drop its cloud contracts with oil producers.",
    ],
    ids=["a-new-owners-memo", "members-of-a-climate-group"],
)
def test_an_owners_memo_to_staff_or_activists_in_a_tech_office_are_no_workers_acts(text):
    assert all(d.actor != "worker" for d in read_story("", text).deeds)
    assert not judge_relevance("", text).label


def test_riders_joining_another_unions_rally_are_the_ones_acting():
    """ "Transport Workers" of a union's name others joined are not the actors."""
    text = "Uber Eats riders in Perth joined a Transport Workers Union rally over road deaths."
    (rally,) = _deeds_by_kind("", text, "protest")
    assert rally.actor == "worker" and rally.group.employer == "Uber"
    assert judge_relevance("", text).label


def test_subcontractors_are_workers_but_not_the_firms_work_goes_through():
    hired = "Google subcontractors at HCL in Pittsburgh voted to join the United Steelworkers."
    (vote,) = _deeds_by_kind("", hired, "union")
    assert vote.actor == "worker" and vote.actor_phrase == "Google subcontractors"
    through = (
        "Drivers delivering for Amazon in Osaka formed a union. The drivers, who are hired "
        "through subcontractors, want talks with Amazon."
    )
    assert all(d.actor_phrase != "subcontractors" for d in read_story("", through).deeds)


def test_pickers_at_an_unknown_retailers_fulfilment_centre_are_its_workers():
    """A fulfilment centre is an online retailer's warehouse, as Amazon's are; "the Shakopee
    fulfilment centre" names a place, not a company."""
    text = (
        "Forty pickers at a Marlcart fulfilment centre in Ohio filed a joint complaint over heat."
    )
    (complaint,) = _deeds_by_kind("", text, "legal")
    assert complaint.actor == "worker" and complaint.group.employer == "Marlcart"
    assert judge_relevance("", text).label
    place = "Workers at the Shakopee fulfilment centre stopped work for six hours."
    assert all(d.group.employer is None for d in read_story("", place).deeds if d.group)


def test_drivers_the_headline_calls_taxi_drivers_stay_outside_tech_in_the_lead():
    """ "Drivers" after a headline about taxi drivers are those taxi drivers, not the app's
    drivers the sentence names the app beside."""
    title = "Lisbon taxi drivers rally against ride-hailing app"
    text = "Thousands of drivers gathered downtown to oppose Uber's planned carpool service."
    assert all(
        d.group.employer is None and d.group.trust < 0.1
        for d in read_story(title, text).deeds
        if d.group
    )


def test_figures_researchers_compiled_are_a_study_not_workers_petitions():
    text = (
        "Figures compiled by labour researchers showed that union election petitions at US "
        "technology companies rose last year."
    )
    assert not judge_relevance("", text).label


def test_riders_demanding_a_rate_per_kilometre_are_a_platforms():
    text = (
        "Riders for Brasa Entregas rode in a motorcycle convoy to the company's headquarters, "
        "demanding a minimum rate per kilometre."
    )
    (convoy,) = _deeds_by_kind("", text, "protest")
    assert convoy.group.employer == "Brasa Entregas"
    assert judge_relevance("", text).label


@pytest.mark.parametrize(
    "story",
    [
        ("", "Workers at BAE Systems in Barrow walked out over pay."),
        (
            "Drivers of black cabs protest airport pick-up rules",
            "Licensed taxi drivers staged a go-slow at the airport, objecting to ride-hail "
            "priority zones.",
        ),
    ],
    ids=["a-defence-maker", "drivers-of-black-cabs"],
)
def test_workers_of_a_defence_maker_or_of_cabs_are_outside_tech(story):
    assert not judge_relevance(*story).label


@pytest.mark.parametrize(
    ("text", "kind", "employer"),
    [
        (
            "A complaint was lodged with the labour inspectorate last month by 40 engineers at "
            "Velkor Systems over unpaid on-call hours.",
            "legal",
            "Velkor Systems",
        ),
        (
            "A petition against the new keystroke-tracking rule was signed by 640 employees of "
            "Quillmark Software and handed to the board.",
            "open_letter",
            "Quillmark Software",
        ),
        (
            "A go-slow was staged in March by pickers at Cartly, an online grocery platform, "
            "after hourly targets were raised.",
            "strike",
            "Cartly",
        ),
    ],
    ids=["complaint-lodged-by", "petition-signed-by", "go-slow-staged-by"],
)
def test_workers_a_passive_verb_names_as_agent_act(text, kind, employer):
    """An act told as the subject of a passive verb is the workers' who come after "by"."""
    _assert_workers_of(("", text), employer, kind)
    assert tag_story("", text).companies[:1] == (employer,)


def test_a_later_clauses_passive_agent_is_not_the_acts():
    """ "after pay was cut by managers at Amazon": the managers cut pay, nobody is said to
    strike."""
    text = "A strike was called after pay was cut by managers at Amazon."
    assert all(d.actor != "worker" for d in _deeds_by_kind("", text, "strike"))


@pytest.mark.parametrize(
    ("text", "employer"),
    [
        (
            "Pellucid, Lagos: in 2023, riders working through the app held a rally at the "
            "company's hub over fines for late orders.",
            "Pellucid",
        ),
        (
            "Quillwork, a Lisbon software house: in 2022, developers formed a union branch "
            "after overtime pay was cut.",
            "Quillwork",
        ),
        (
            "Torvane, Dublin: site reliability engineers at the cloud hosting company won "
            "recognition for their branch of the Financial Services Union.",
            "Torvane",
        ),
    ],
    ids=["headed-by-an-app", "a-software-house", "not-the-unions-name"],
)
def test_the_company_heading_an_entry_is_its_workers_employer(text, employer):
    """Listings of actions head an entry with the company and its place, then say "the app"
    or "developers"; the workers are that company's."""
    _assert_workers_of(("", text), employer)
    assert tag_story("", text).companies[:1] == (employer,)


@pytest.mark.parametrize(
    "text",
    [
        "Kisumu, Kenya: drivers working for Uber held a rally at the app's office over fares.",
        "Marlow, Bucks: workers held a rally outside the factory over pay.",
    ],
    ids=["a-known-company-named", "no-tech-company-referred-to"],
)
def test_a_place_heading_a_story_is_no_employer(text):
    """A dateline's place is a company only where the story refers back to an app or a
    tech firm and names no known one."""
    companies = {d.group.employer for d in read_story("", text).deeds if d.group}
    assert not companies & {"Kisumu", "Marlow"}


def test_shoppers_outside_an_apps_office_are_its_customers():
    text = (
        "Dozens of shoppers gathered outside the offices of Basketly, an online grocery app, "
        "demanding refunds for orders that never came."
    )
    assert all(d.actor != "worker" for d in read_story("", text).deeds)
    assert not judge_relevance("", text).label


@pytest.mark.parametrize(
    ("text", "kind", "employer"),
    [
        (
            "Delivery riders for Zumo Eats, a Cebu food delivery app, held a noise barrage "
            "outside its office.",
            "protest",
            "Zumo Eats",
        ),
        (
            "Workers at Tranh Linh, an electronics contract manufacturer, stopped the assembly "
            "lines for a day over unpaid bonuses.",
            "strike",
            "Tranh Linh",
        ),
        (
            "Crowdworkers on Taskfield, an online data-labelling platform, published a "
            "collective statement against payout thresholds.",
            "open_letter",
            "Taskfield",
        ),
        (
            "Annotators at Moravec Vision won a wage deal after their union negotiated a raise.",
            "union",
            "Moravec Vision",
        ),
        (
            "Couriers for Rapidex filed a class action over deactivations without notice.",
            "legal",
            "Rapidex",
        ),
        (
            "In 2024, 90 employees of Kavir Infotech signed a petition over withheld wages.",
            "open_letter",
            "Kavir Infotech",
        ),
    ],
    ids=[
        "noise-barrage",
        "stopped-assembly-lines",
        "collective-statement-on-a-platform",
        "wage-deal",
        "filed-an-action",
        "infotech",
    ],
)
def test_more_archive_wording_of_actions(text, kind, employer):
    _assert_workers_of(("", text), employer, kind)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        (
            "Grocers said its Just Walk Out checkout system relied on remote staff reviewing "
            "camera footage.",
            "walkout",
        ),
        (
            "The chipmaker cited a shortage of skilled workers for pushing back the start of "
            "production at its new plant.",
            "demand",
        ),
    ],
    ids=["a-checkout-system", "a-plant-opening-put-off"],
)
def test_labour_words_naming_a_product_or_a_delay_are_no_act(text, kind):
    assert not _deeds_by_kind("", text, kind)


@pytest.mark.parametrize(
    ("text", "kind", "employer"),
    [
        (
            "About 50 developers at Fenwick Interactive applied to the provincial labour board "
            "for certification after a year of crunch.",
            "union",
            "Fenwick Interactive",
        ),
        (
            "Developers at Marrowlight Games joined a professional union and asked the studio "
            "to begin bargaining over pay transparency.",
            "union",
            "Marrowlight Games",
        ),
        (
            "Drivers using the Bolt app in Accra went offline for a day over commission rates.",
            "strike",
            "Bolt",
        ),
        (
            "Line operators at Corvel Semiconductor walked off the line over a cut allowance.",
            "strike",
            "Corvel Semiconductor",
        ),
        (
            "A group of 90 online tutors who teach through the platform Lessonly Hub filed a "
            "complaint over unpaid preparation time.",
            "legal",
            "Lessonly Hub",
        ),
        (
            "Designers and engineers at Plumeria, a Leeds software startup, sent a joint "
            "grievance to human resources over cuts to parental leave.",
            "open_letter",
            "Plumeria",
        ),
        (
            "Kickstarter United ratified a second contract with the crowdfunding company.",
            "union",
            "Kickstarter",
        ),
        (
            "Couriers of Jakarta food app Lapar Go rode in convoy to the labour ministry to hand "
            "over a memorandum.",
            "protest",
            "Lapar Go",
        ),
        (
            "Assembly workers at Tolmar Devices voted to replace a company-friendly union with "
            "an independent one.",
            "union",
            "Tolmar Devices",
        ),
        (
            "The moderation team at Ostrava Trust Services, which screens posts for social "
            "apps, signed a letter demanding counselling.",
            "open_letter",
            "Ostrava Trust Services",
        ),
    ],
    ids=[
        "applied-for-certification",
        "asked-to-begin-bargaining",
        "went-offline-using-an-app",
        "line-operators",
        "tutors-teaching-through-a-platform",
        "joint-grievance",
        "a-companys-united",
        "riders-of-a-described-app",
        "voted-to-replace-a-union",
        "a-team-that-screens-posts",
    ],
)
def test_still_more_archive_wording_of_actions(text, kind, employer):
    _assert_workers_of(("", text), employer, kind)


def test_staff_an_order_treats_as_having_resigned_have_not_resigned():
    text = (
        "Software company Dunmore said staff who do not return to the office four days a "
        "week will be treated as having resigned."
    )
    assert not _deeds_by_kind("", text, "resigned")
    assert not judge_relevance("", text).label


def test_a_company_called_a_game_developer_is_not_its_workers():
    """ "the French video game developer" describes the studio; its staff are the ones
    striking."""
    text = "Staff at Quarrel Forge, a French video game developer, went on strike over pay."
    (strike,) = _deeds_by_kind("", text, "strike")
    assert strike.actor_phrase == "Staff" and strike.group.employer == "Quarrel Forge"


@pytest.mark.parametrize(
    "story",
    [
        (
            "Cab drivers circle the town hall over ride-hailing licences",
            "Hundreds of licensed taxi drivers protested the renewal of a licence for the "
            "ride-hailing app Zipride, saying it was eroding their livelihoods.",
        ),
        (
            "",
            "Black-cab drivers blocked the streets around the station to protest what they "
            "called unfair competition from Uber.",
        ),
    ],
    ids=["against-an-apps-licence", "against-uber"],
)
def test_taxi_drivers_protesting_an_app_score_at_most_the_outside_trades_ceiling(story):
    assert judge_relevance(*story).score <= OUTSIDE_TRADES_CEILING


def test_app_drivers_beside_taxi_drivers_still_alert():
    """Only where every act is an outside trade's: the app's own drivers acting still
    count."""
    text = (
        "Uber drivers and black-cab drivers held a joint rally outside the ministry over "
        "airport pick-up fees."
    )
    assert judge_relevance("", text).label


@pytest.mark.parametrize(
    ("story", "kind", "employer"),
    [
        (
            (
                "Apple store staff in Ohio vote for first union",
                "Staff at Apple's Easton shop voted 41-20 to be represented by the machinists.",
            ),
            "union",
            "Apple",
        ),
        (
            (
                "",
                "Workers from the Penang factory of Mertak Devices, a contract manufacturer of "
                "routers, rallied at the estate gate against outsourced contracts.",
            ),
            "protest",
            "Mertak Devices",
        ),
        (
            (
                "",
                "Line workers at Sonora Circuits voted out their employer-friendly union and "
                "chose an independent one.",
            ),
            "union",
            "Sonora Circuits",
        ),
        (
            (
                "",
                "Hundreds of workers at Shenzhen headphone maker Kaiyin Audio blocked the "
                "factory gate over unpaid severance.",
            ),
            "protest",
            "Kaiyin Audio",
        ),
        (
            (
                "",
                "Technicians of Cebu broadband provider Bayan Telecom won a collective "
                "bargaining agreement after a two-year drive.",
            ),
            "union",
            "Bayan Telecom",
        ),
        (
            (
                "",
                "About 200 warehouse staff at Durban online retailer Kwikmart began a protected "
                "strike over casual contracts.",
            ),
            "strike",
            "Kwikmart",
        ),
        (
            (
                "",
                "Delivery riders in Wuhan refused Ele.me orders for a day after per-order pay "
                "was cut.",
            ),
            "strike",
            "Ele.me",
        ),
        (
            (
                "",
                "Some 60 tutors contracted by Lima edtech platform Profe Ya signed a petition "
                "against pay docked for cancelled lessons.",
            ),
            "open_letter",
            "Profe Ya",
        ),
    ],
    ids=[
        "voted-to-be-represented",
        "a-manufacturer-of-routers",
        "voted-out-a-union",
        "blocked-the-factory-gate",
        "a-broadband-provider",
        "a-protected-strike",
        "refused-a-named-apps-orders",
        "contracted-by-a-platform",
    ],
)
def test_factory_telecom_and_platform_workers_acting(story, kind, employer):
    _assert_workers_of(story, employer, kind)


def test_a_trades_name_in_a_unions_is_no_company():
    text = (
        "Agents at Northvale Contact Centre formed a union with the BPO Industry Employees "
        "Network after transport allowances were cut."
    )
    assert "BPO Industry" not in tag_story("", text).companies


@pytest.mark.parametrize(
    ("text", "employer"),
    [
        (
            "In an open letter to the board, 38 of Quorvane's 50 staff warned that the Boston "
            "AI start-up's plan to sell face matching to police broke its own principles.",
            "Quorvane",
        ),
        (
            "A petition landed on the desk of Brindlewood's chief executive after the Perth "
            "software firm said it would outsource support; support staff asked the company "
            "to reverse course.",
            "Brindlewood",
        ),
    ],
    ids=["its-staff-then-the-start-up", "its-chief-then-the-software-firm"],
)
def test_a_company_the_story_refers_back_to_as_a_tech_firm_is_its_staffs(text, employer):
    """Named once with its staff or chief, then called "the Boston AI start-up": the one
    unknown name the description can mean."""
    _assert_workers_of(("", text), employer)


def test_a_letter_addressed_to_the_board_is_the_staffs_not_the_boards():
    text = "In an open letter to the board, 200 engineers at Google objected to the contract."
    (letter,) = _deeds_by_kind("", text, "open_letter")
    assert letter.actor == "worker" and letter.group.employer == "Google"


def test_a_worker_noun_ending_an_unknown_companys_name_is_no_group():
    """ "Serrano Dev" is a company: its programmers are the ones acting."""
    text = (
        "Programmers at Serrano Dev, a software factory in Rosario, logged off for a day in "
        "a virtual strike over pay."
    )
    strikes = _deeds_by_kind("", text, "strike")
    assert strikes and {(d.actor_phrase, d.group.employer) for d in strikes} == {
        ("Programmers", "Serrano Dev")
    }
    assert tag_story("", text).companies[:1] == ("Serrano Dev",)


@pytest.mark.parametrize(
    ("text", "kind", "employer"),
    [
        (
            "Pickers at the Poznan fulfilment centre of the online retailer Koszyk Plus refused "
            "all overtime for a fortnight.",
            "strike",
            "Koszyk Plus",
        ),
        (
            "Floor staff at the flagship Vienna store of the device maker Alder Devices filed a "
            "collective complaint with the labour court over weekend pay.",
            "legal",
            "Alder Devices",
        ),
        (
            "Workers at the Puebla fulfilment centre of the marketplace Mercadito signed "
            "affiliation forms with an independent union.",
            "union",
            "Mercadito",
        ),
        (
            "The union representing warehouse staff at Kestrel Commerce filed a complaint with "
            "the labour inspectorate over scanner tracking.",
            "legal",
            "Kestrel Commerce",
        ),
        (
            "Packers at a Cebu fulfilment centre run by the online marketplace Tindahan staged "
            "a sit-down over unpaid night premiums.",
            "sit_in",
            "Tindahan",
        ),
        (
            "Assemblers at the Haiphong plant of Minh Quang Electronics refused to start work "
            "after the shift premium was cut.",
            "strike",
            "Minh Quang Electronics",
        ),
        (
            "Cleanroom operators at Kagoshima Wafer Works, a supplier to chipmakers, formed the "
            "company's first labour union.",
            "union",
            "Kagoshima Wafer Works",
        ),
    ],
    ids=[
        "a-retailers-fulfilment-centre",
        "a-device-makers-store",
        "affiliation-forms",
        "commerce",
        "run-by",
        "a-plant-of",
        "cleanroom-operators",
    ],
)
def test_workers_at_a_companys_workplace_are_its_workers(text, kind, employer):
    _assert_workers_of(("", text), employer, kind)
    assert tag_story("", text).companies[:1] == (employer,)


@pytest.mark.parametrize(
    ("text", "kind", "employer"),
    [
        (
            "Support agents at the Kisumu call centre of Sautiline, which answers calls for a "
            "European telecom operator, walked out over unpaid bonuses.",
            "walkout",
            "Sautiline",
        ),
        (
            "Testers at Pixeltrue, which checks games for console publishers, downed tools for "
            "two days over unpaid overtime.",
            "strike",
            "Pixeltrue",
        ),
        (
            "Technicians at Fibrelink, a Durban fibre-network installer, stopped work over "
            "standby pay.",
            "strike",
            "Fibrelink",
        ),
        (
            "Night-shift agents at Harbourline Solutions in Cebu, who answer queries for a "
            "ride-hailing app, formed a union after their transport allowance was scrapped.",
            "union",
            "Harbourline Solutions",
        ),
        (
            "Customer-service agents at Fala Mais, a Recife call centre that handles queries for "
            "an e-commerce marketplace, stopped work for a day over unpaid overtime.",
            "strike",
            "Fala Mais",
        ),
    ],
    ids=[
        "serves-a-telecom",
        "checks-games",
        "network-installer",
        "who-answer-for-an-app",
        "a-call-centre-for-a-marketplace",
    ],
)
def test_a_company_serving_tech_companies_is_a_tech_employer(text, kind, employer):
    """A vendor whose clause says it works for tech firms: its staff are tech workers."""
    _assert_workers_of(("", text), employer, kind)


@pytest.mark.parametrize(
    ("text", "kind", "employer"),
    [
        (
            "Engineers at the Leeds analytics firm Brightquarry voted to join the Prospect union.",
            "union",
            "Brightquarry",
        ),
        (
            "Engineers at Lyon cloud host Nimbelle signed an open letter against the sale of "
            "customer logs.",
            "open_letter",
            "Nimbelle",
        ),
        (
            "Line workers at Chanthira Assembly, a Rayong plant assembling budget handsets, "
            "walked out over unpaid night premiums.",
            "walkout",
            "Chanthira Assembly",
        ),
        (
            "More than 300 staff of the Jakarta ride-hailing and payments group Tumbuh went on "
            "strike over bonus cuts.",
            "strike",
            "Tumbuh",
        ),
        (
            "Sales staff at the Lagos flagship store of phone brand Kora Mobile went on strike "
            "over commissions.",
            "strike",
            "Kora Mobile",
        ),
        (
            "Packers at a Velmora e-commerce fulfilment centre near Brno signed union cards.",
            "union",
            "Velmora",
        ),
        (
            "Loaders at the Gdansk parcel hub of online shoe retailer Stoppa refused all "
            "overtime for a week.",
            "strike",
            "Stoppa",
        ),
        (
            "Translators who subtitle series for the Manila streaming service Palabas went on "
            "strike over per-minute rates.",
            "strike",
            "Palabas",
        ),
        (
            "Migrant workers at Johor semiconductor assembler Tekmas went on strike over "
            "withheld passports.",
            "strike",
            "Tekmas",
        ),
        (
            "Motorcycle taxi drivers for the ride-hailing app Jalanku went on strike over "
            "commission rates.",
            "strike",
            "Jalanku",
        ),
    ],
    ids=[
        "analytics-firm",
        "cloud-host",
        "a-plant-assembling-handsets",
        "two-trades-and-a-group",
        "a-phone-brand",
        "a-fulfilment-centre-named-before",
        "an-online-retailer-of-a-kind",
        "streaming-service",
        "migrant-workers-at-a-chip-assembler",
        "taxi-drivers-of-a-ride-hailing-app",
    ],
)
def test_a_company_described_by_its_trade_or_workplace_is_a_tech_employer(text, kind, employer):
    _assert_workers_of(("", text), employer, kind)
    assert tag_story("", text).companies[:1] == (employer,)


@pytest.mark.parametrize(
    "text",
    [
        "Members of an online group called Coders Rising went on strike in solidarity.",
        "Workers at a Chinese e-commerce warehouse went on strike over heat.",
        "Taxi drivers went to protest against the app Uber outside city hall.",
    ],
    ids=["an-online-group", "a-nationality", "protesting-an-app"],
)
def test_words_near_a_trade_name_no_tech_employer(text):
    """A forum of people, a nationality, or an app the drivers protest: no employer."""
    assert not [d for d in read_story("", text).deeds if d.group and d.group.employer]


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        (
            "Content reviewers at Peregrine Outsourcing in Nairobi, working on a contract for "
            "the video app Clipnest, signed a petition for trauma counselling.",
            "open_letter",
        ),
        (
            "Twenty moderators employed by the outsourcing firm Peregrine Outsourcing to "
            "screen clips for the video app Clipnest filed a joint complaint over night pay.",
            "legal",
        ),
    ],
    ids=["in-an-aside", "after-a-preposition"],
)
def test_a_client_named_after_the_workers_is_not_the_one_acting(text, kind):
    """ "Reviewers at X, working on a contract for the app Y, signed", "moderators employed
    by X to screen clips for the app Y filed": the workers act, for their employer X, not Y."""
    _assert_workers_of(("", text), "Peregrine Outsourcing", kind)
    assert tag_story("", text).companies[:1] == ("Peregrine Outsourcing",)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        (
            "Engineers at the Porto startup Trotinela have asked a national services union to "
            "represent them.",
            "union",
        ),
        (
            "Drivers for the grocery app Kaipaki have taken a claim to the Employment Relations "
            "Authority, asking to be treated as employees.",
            "legal",
        ),
        ("Pickers at the marketplace Saqina held a three-hour sit-down over heat.", "sit_in"),
        (
            "Developers at the Haifa cybersecurity firm Lockvale formed a workers' committee "
            "after the layoffs.",
            "union",
        ),
        (
            "Testers at the Kaunas IT company Baltsoft appealed to the labour inspectorate over "
            "unpaid overtime.",
            "legal",
        ),
        (
            "Moderators at the Accra vendor Sentrix lodged a joint complaint with labour "
            "authorities over night pay.",
            "legal",
        ),
        (
            "Organisers at the app developer Fiorda were fired, and the union brought a case "
            "before the labour court.",
            "legal",
        ),
        (
            "Crowd workers on the microtask platform Tasklane signed a public charter for a "
            "minimum rate.",
            "open_letter",
        ),
        (
            "Chatbot trainers at the AI company Wordloom sent a list of demands to managers.",
            "demand",
        ),
        (
            "Interns at the Austin software company Pellucid sent a petition to executives "
            "after their offers were withdrawn.",
            "open_letter",
        ),
    ],
    ids=[
        "asked-a-union-to-represent-them",
        "a-claim-to-an-authority",
        "a-sit-down",
        "a-workers-committee",
        "appealed-to-an-inspectorate",
        "a-complaint-with-authorities",
        "a-case-before-a-court",
        "a-public-charter",
        "chatbot-trainers",
        "interns",
    ],
)
def test_more_ways_of_telling_an_act(text, kind):
    assert _deeds_by_kind("", text, kind)[0].actor == "worker"
    assert judge_relevance("", text).label


def test_a_collective_by_another_name_acts_for_its_members():
    text = "The Glovo self-help group held a protest outside the app's office on Friday."
    (protest,) = _deeds_by_kind("", text, "protest")
    assert protest.actor == "worker" and protest.group.employer == "Glovo"


def test_workers_of_artificial_intelligence_companies_are_tech_workers():
    """No company named, but the sector is tech: their employer is surely a tech firm."""
    text = "Dozens of employees of artificial intelligence companies signed an open letter."
    (letter,) = _deeds_by_kind("", text, "open_letter")
    assert letter.actor == "worker" and letter.group.trust >= 0.6


@pytest.mark.parametrize(
    "text",
    [
        "Two engineers at Google gave a sit-down interview about the new phone.",
        "Gamers used to buy a game and sit down in front of a console until the end.",
    ],
)
def test_a_sit_down_interview_or_sitting_down_is_no_sit_in(text):
    assert not _deeds_by_kind("", text, "sit_in")


def test_a_chamber_of_commerce_is_no_tech_company():
    text = "The U.S. Chamber of Commerce filed a lawsuit challenging the new overtime rule."
    assert all(d.actor != "worker" for d in read_story("", text).deeds)
    assert "U.S. Chamber of Commerce" not in read_story("", text).companies
