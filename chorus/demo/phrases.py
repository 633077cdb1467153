# ruff: noqa: E501
"""The bank of hand-written fragments the voice generator combines.

One fragment a line. Sections of a topic's bank and how the generator uses them:
- problems:  whole sentences about something going wrong (negative).
- states:    clauses that can follow "because" ("the flat is damp"); lower case, no full stop. Each ends
             with " >> " and the topics whose effects it can lead to: the cause-and-effect links residents make.
- events:    past-tense clauses that can follow "since" ("they cut the 7 bus"), with " >> " like states.
- effects:   clauses saying what it does to people ("my chest is worse"); each must read well after any
             state or event that leads to its topic.
- reported:  sentences with reported speech ("The receptionist said...").
- asks:      suggestions and requests, whole sentences.
- positives: something that helped, whole sentences.
- neutrals:  plain observations, neither praise nor complaint.
- shorts:    a few words on their own.
A line may start with "[topic-id]" when it is also about that topic, then with "(who)" when only some
speakers would say it, comma-separated: f or m (sex); young (under 35), mid (35-64), old (65+) or age band
codes, parent (25-54), adult (25+); eal (first language not English); ethnicity codes
(chorus/equality.py). A speaker must match every kind of mark given (any of the ages, any of the
ethnicities). {slots} are filled from the place (see chorus/demo/places.py): town, ward, hospital, urgent, bus, shops, green, road, estate, market, station,
mh_service, venue, language. Everything here is fiction; no line names a real person.
"""

from __future__ import annotations

SECTIONS = ("problems", "states", "events", "effects", "reported", "asks", "positives", "neutrals", "shorts")


def _lines(block: str) -> tuple[str, ...]:
    return tuple(
        line.strip() for line in block.splitlines() if line.strip() and not line.strip().startswith("#")
    )


def _bank(**blocks: str) -> dict[str, tuple[str, ...]]:
    unknown = set(blocks) - set(SECTIONS)
    if unknown:
        raise ValueError(f"unknown phrase sections: {sorted(unknown)}")
    return {section: _lines(blocks.get(section, "")) for section in SECTIONS}


BANKS: dict[str, dict[str, tuple[str, ...]]] = {}

BANKS["housing"] = _bank(
    problems="""
        The bathroom ceiling has a brown stain that gets bigger every time it rains upstairs.
        We've had three different men out to look at the damp and none of them did anything.
        (parent) My daughter won't have friends round because she's embarrassed about the mould.
        The new carpet the council put in is already going green in the corner.
        There's no hot water half the week and the landlord just says the boiler's old.
        The letting agent never answers, and the landlord lives abroad, so who do you ring?
        I've been in {estate} nineteen years and the damp has never been sorted.
        (parent) The mould in the kids' bedroom comes back two weeks after I bleach it, every single time.
        There's black mould behind the wardrobe and all our clothes smell of it.
        I've reported the leak in the bathroom ceiling four times since March and nobody has come.
        Our flat is so damp the wallpaper is peeling off in sheets.
        Five of us in a two bed flat, my eldest sleeps on the sofa.
        The windows don't shut properly so the heating just goes straight out.
        The landlord painted over the mould before the inspection and it was back within a month.
        Condensation runs down the windows every morning, I'm mopping the sills before work.
        The lift in our block has been broken for six weeks and I'm on the ninth floor.
        I've been on the housing list for nine years and I'm still band C.
        We're in temporary accommodation, one room, the four of us, and a shared kitchen with a broken cooker.
        The landlord said if I keep complaining he'll sell up and we'll be out.
        The extractor fan in the bathroom has never worked since we moved in.
        (parent) My son's mattress had mould growing underneath it, I had to throw it out.
        Every time it rains water comes in round the front door.
        The repairs line takes your details and then nothing, you ring back and there's no record.
        I've got a bucket under the leak in the kitchen, it's been there since Christmas.
        They sent a man who looked at the mould, said it was our lifestyle, and left.
        We dry the washing inside because there's nowhere else, and then they say that causes the damp.
        Rent's gone up twice in a year and nothing has been fixed.
        The heating's broken and they gave us two little electric heaters that cost a fortune to run.
        There's mice in the kitchen, I can hear them at night.
        The flat's above a takeaway and the smell and the grease come up through the floor.
        I can't open the bedroom window because the frame's rotten and it might fall out.
        The damp is so bad the shoes in the cupboard go green.
        Our block has had scaffolding up for a year and no work going on.
    """,
    states="""
        the flat is damp from top to bottom >> breathing mental-health
        there's mould all over the bedroom walls >> breathing mental-health
        the landlord won't fix the leak >> mental-health
        we're five of us in a two bed >> mental-health
        the windows are rotten and the heat goes straight out >> breathing money
        the flat's always cold and wet >> breathing mental-health
        we live in one room in temporary accommodation >> mental-health isolation
        the lift is always broken and I'm on the seventh floor >> isolation
        the rent takes nearly all my wages >> money food mental-health
        there's nowhere to dry the washing except the bedroom >> breathing
    """,
    events="""
        we moved into this flat >> breathing
        the landlord put the rent up again >> money mental-health food
        the ceiling came down in the bathroom >> mental-health
        they moved us into temporary accommodation >> mental-health isolation
        (parent) the mould came back in the kids' room >> breathing mental-health
        the council stopped doing proper repairs >> trust
    """,
    effects="""
        the flat is freezing and damp all winter
        the house is never properly warm
        the mould has got worse because I can't heat the place
        we all sit in one room to save on the heating
        there's condensation running down every window
    """,
    reported="""
        The environmental health lady said it was category one and the landlord still took five months.
        The repairs man said, I'm only booked to look, not to fix, someone else will come.
        (f,parent) My son said, Mum, why does my room smell like the cupboard under the stairs.
        The housing officer said the mould was because we breathe too much and should open the windows in January.
        The landlord told me, if you don't like it, there's plenty who'll take it.
        The council said we're not a priority because nobody is sleeping on the street.
        The man from the repairs said he'd order the part and that was in October.
        (parent) The health visitor said the damp isn't good for the baby, like I didn't know.
        When I rang about the leak the woman said it's been logged, it's been logged for three months.
    """,
    asks="""
        Give tenants one person to deal with about repairs, who rings you back.
        Check on families in temporary accommodation, some of those places aren't fit for anyone.
        Someone needs to come and actually look at the mould, not just send a leaflet about opening windows.
        Landlords should have to fix damp within a set time, like a proper deadline they can be fined for.
        The council should check private flats before people move in, not after the kids get ill.
        I want a repair number that means something, so you can see what's happening to it.
        Put the people waiting longest on the housing list first, not whoever shouts loudest.
        (parent) If the GP writes a letter about the damp and my son's chest, the housing should have to act on it.
        A bit of help with a dehumidifier would make a big difference for families like mine.
        They need to do the repairs properly once instead of sending someone round five times.
    """,
    positives="""
        The tenants' meeting got the council to survey every flat for damp, they're going door to door now.
        The handyperson scheme fixed my bathroom fan and a dripping tap in one visit, free.
        Our housing officer is new and she actually comes round, it's made a difference already.
        The housing association finally treated the damp and put in a new fan, and the bedroom is dry for the first time.
        (parent) We got moved to a bigger flat last year and honestly the kids are different children now.
        A lady from the damp and mould team came within a week and she was brilliant, she actually listened.
        The new windows went in before winter and the heating bill has gone right down.
        The tenants' association got the lift fixed, it took shouting but we did it together.
        My support worker helped me fill in the housing forms and we got moved up a band.
    """,
    neutrals="""
        Our flat's fine, it's the communal bits that need doing, the stairs and the bins.
        I'm on the list for a transfer, I check the bidding every week.
        I rent privately, it's alright, the landlord's slow but he does get things done eventually.
        We've been in the same flat twelve years, it's small but it's home.
        Most of the flats in our block have some damp, people just live with it.
        I don't really know who to ring about repairs, the council or the housing association.
        The block was done up about ten years ago, new kitchens, but the windows are still the old ones.
    """,
    shorts="""
        Still waiting on repairs.
        mould again, kids coughing
        Overcrowded. Five in two rooms.
        Sort the damp out please
        Leak. Bucket. Six months.
        Damp. Always the damp.
        Mould in every room.
        Fix the lift!!
        Housing housing housing.
        too many of us in one flat
        landlord won't do repairs
        cold flat, wet walls
    """,
)

BANKS["air-quality"] = _bank(
    problems="""
        Bonfire smoke, diesel, chip fat, you name it, it all comes in the back window.
        The buses idle at the stop right outside my bedroom for ten minutes at a time.
        (parent) On bad days my son's inhaler is out before he's even at the school gate.
        I live just off {road} and my windowsills are black by the end of the week.
        The traffic outside my window is nose to tail from seven in the morning and you can taste it.
        I wipe black dust off the windowsill every single day.
        (parent) My daughter's school is right on the main road and the kids breathe that in at playtime.
        I can't open the windows in summer because of the fumes, so the flat's like an oven.
        The lorries and buses sit there with their engines running and nobody says a thing.
        Some days the air is so thick on {road} you can see it.
        People burn rubbish in the back gardens and the smoke comes straight in.
        The wood burners next door fill our garden with smoke every evening in winter.
        On a hot day {road} smells of diesel from one end to the other.
        They built the new flats and now all the delivery vans come down our road.
        I walk the long way round to avoid {road} with the buggy.
        You can't hang washing out, it comes back grey.
    """,
    states="""
        we live right on {road} >> breathing air-quality
        the pollution on {road} is terrible >> breathing air-quality
        the traffic never stops outside our flat >> breathing air-quality
        the air round here is so dirty >> breathing air-quality
        the fumes come in every time I open a window >> breathing air-quality
    """,
    events="""
        they diverted the traffic down our road >> breathing air-quality
        the new delivery depot opened at the end of the street >> air-quality breathing
        the roadworks started on {road} >> air-quality
    """,
    effects="""
        I keep the windows shut even in the heat
        (parent) I don't let the kids play out the front anymore
        I walk the long way round to avoid the main road
        the flat stinks of diesel
    """,
    reported="""
        (parent) The GP asked if we live near a busy road and when I said yes she just wrote something down.
        My neighbour said the air was bad when she was a kid too, like that makes it alright.
        The school said there's nothing they can do about the road, it's the council's.
        (parent) The council told me our street is within the legal limits, whatever that means for my son's lungs.
        The asthma nurse asked if we live near a main road and I just laughed.
    """,
    asks="""
        Plant a green wall on the school that backs onto the main road, I've seen it done elsewhere.
        Put some trees and hedges along the main road, it's the least they could do.
        Stop the buses and lorries sitting with their engines running outside the school.
        I'd like to know what the air is like on my street, a sign or an app, something simple.
        Close the road outside the school at drop off and pick up, other places do it.
        If they're going to measure the pollution they should tell us the results and what they're doing about it.
        Help people swap their old wood burners, the smoke is half the problem in winter.
    """,
    positives="""
        The parklet they put outside the shops has made the street nicer and slower.
        Since the bus fleet went electric on our route it's quieter and you don't get the fumes.
        Since they closed the road outside the school at home time it's so much calmer and the air feels better.
        The new trees along the road have made it a bit nicer to walk, and cooler in summer.
        The clean air group on our estate got a monitor put up and now the council listens to us.
        School streets are the best thing the council has done round here.
    """,
    neutrals="""
        I've started checking the pollution forecast on my phone, I didn't know that existed.
        The air's better by the sea or in the park, I try to walk there instead.
        I don't really notice the air, to be honest, I've always lived on a main road.
        I know the pollution's bad round here, I just don't know what anyone can do about it.
        There's a pollution monitor on the lamp post at the end of the road, I've never seen the results.
        I'd be interested to know how our street compares to the rest of {town}.
    """,
    shorts="""
        Too many lorries.
        The air stinks round here
        Pollution outside the school!
        can taste the traffic
        The fumes on {road}.
        traffic traffic traffic
        Can't breathe on the main road.
        black dust on everything
    """,
)

BANKS["smoking"] = _bank(
    problems="""
        I smoke more when I'm stressed and I'm stressed all the time.
        Every stop smoking app wants an email address and I haven't got one.
        (f,young) My mum smoked all through her pregnancies and now I'm doing the same, I know.
        I've smoked since I was twelve and every time I try to stop something happens and I'm back on them.
        I stopped for three months and then my mum got ill and I went straight back.
        My fourteen year old is vaping, they sell them next to the sweets.
        The stop smoking service used to be in the chemist, now it's a phone number and nobody answers.
        Everyone on our landing smokes, you can smell it in the corridor.
        (parent) The smoke from downstairs comes up through the floorboards into the baby's room.
        A pack costs me more than my gas some weeks and I still buy them.
        The patches gave me nightmares and nobody told me there were other options.
        I went to the GP about stopping and got a leaflet.
        My husband smokes in the kitchen with the window open and thinks that makes it alright.
        (parent) Vapes are everywhere at school, my daughter says half her year are on them.
        I know it's killing me, I don't need telling, I need help.
    """,
    states="""
        I've smoked forty a day since I was fifteen >> breathing
        everyone in my house smokes >> smoking breathing
        my husband still smokes indoors >> breathing smoking
        I've never managed to give up the cigarettes >> breathing
    """,
    events="""
        I started smoking again >> breathing
        my brother died of lung cancer >> mental-health screening
        the stop smoking clinic closed >> smoking
        (adult) I went back on the cigarettes after my divorce >> breathing
    """,
    effects="""
        I'm smoking more than ever
        I've gone back on the cigarettes
        I'm back on twenty a day
        I'm vaping all day long now
    """,
    reported="""
        The stop smoking lady said, don't worry about slipping, just start again tomorrow, and that helped.
        My mate said the vapes are worse than fags, so I went back on the fags.
        The GP said you need to stop smoking, and that was it, next patient.
        (parent) The nurse told me the vape is better than the fags, but my son's school says it's just as bad.
        (f,adult) My daughter said, Mum, I don't want you to die, and that's when I phoned the stop smoking people.
        The man in the shop said they're not allowed to sell vapes to kids, then I watched him do it.
    """,
    asks="""
        Have stop smoking help at the job centre and the food bank, where people are already.
        Bring back the stop smoking clinic in the chemist, where you could just walk in.
        Someone to actually check in on you every week when you're trying to stop would help.
        Do something about the shops selling vapes to kids, it's not hard to catch them.
        Give people the free vape kits and a bit of support, not just a leaflet.
        Make stop smoking help available in the evenings for people who work.
    """,
    positives="""
        The pharmacist gave me the patches and the gum and rang me every week, I'm eight weeks smoke free.
        The stop smoking group at {venue} was a laugh, we all did it together.
        I've been off the cigarettes six months now with the free vape and the weekly calls, first time in thirty years.
        The stop smoking advisor at the chemist was brilliant, no judgement at all.
        My husband and I stopped together, we put the money in a jar and we've got a holiday out of it.
        The lung health check scared me into stopping, and I'm glad it did.
    """,
    neutrals="""
        (adult) My husband vapes now instead of smoking, the house smells better anyway.
        I've cut down to five a day, that's a start.
        I smoke, I'm not going to pretend I don't, I just want to cut down.
        I switched to vaping last year, not sure if it's better but I feel better.
        Most people I know smoke, it's normal round here.
        I'd stop if it was easy, I'm not against it.
    """,
    shorts="""
        Want to quit, can't.
        smoking too much again
        Bring back the quit clinic.
        Need help to stop smoking.
        vapes everywhere
        still smoking, still trying
        Can't give up the fags.
    """,
)

BANKS["breathing"] = _bank(
    problems="""
        My oxygen got delivered but nobody showed me how to use it properly.
        I can't carry my shopping home anymore, I have to stop every few yards.
        The cold air off the street takes my breath away the minute I open the door.
        I was in {hospital} three times last winter with my chest.
        I get breathless just walking to the end of the road now, I have to stop at the lamppost.
        My COPD is getting worse every winter and I end up in hospital at least once.
        (parent) My son's asthma is terrible, we've been to A&E three times this year.
        I can't do the stairs to my flat without sitting down halfway.
        I've had this cough since the summer and nobody's looked into it properly.
        My inhaler doesn't seem to do anything anymore.
        Every winter I get a chest infection and every winter it takes longer to shake off.
        I was told I had COPD over the phone and then nobody followed it up.
        I run out of my inhalers because the repeat prescription never comes through on time.
        I carry my nebuliser everywhere, I'm frightened to go out without it.
        I got put on the list for pulmonary rehab two years ago and never heard anything.
        (parent) The kids are always coughing in the winter, all three of them.
    """,
    states="""
        my COPD is so bad now >> isolation physical-activity mental-health
        (parent) my son has bad asthma >> mental-health
        I get out of breath so easily >> isolation physical-activity
        my chest is bad in the cold >> isolation
        I can't walk far without stopping for breath >> isolation physical-activity
    """,
    events="""
        I was diagnosed with COPD >> mental-health isolation physical-activity
        I ended up in hospital with my chest >> mental-health
        the asthma nurse left the surgery >> breathing
    """,
    effects="""
        my chest is worse than it's ever been
        I'm on my blue inhaler five or six times a day
        (parent) the little one keeps getting chest infections
        (parent) my son's asthma has got much worse
        I'm coughing all night and nobody in the house sleeps
        I get breathless just going up the stairs
        I've been in and out of hospital with my chest
        my COPD flares up every few weeks
        I wheeze all winter
        (parent) my daughter's inhaler is never out of her hand
    """,
    reported="""
        The nurse said I should be doing my breathing exercises, I said what breathing exercises.
        The paramedic said, you should have called us hours ago, but I didn't want to be a bother.
        The doctor said it's just a cough, come back if it's still there in six weeks, and it was still there in six months.
        The respiratory nurse said I'm using my inhaler wrong, and I've been using it wrong for nine years.
        (mid) The consultant at {hospital} said my lungs are like a seventy year old's, I'm fifty-two.
        (f,old) My grandson said, Nan, you sound like a kettle, and I laughed but it's true.
    """,
    asks="""
        A number to ring when my chest gets bad that isn't 999 or the GP queue.
        Someone should check people's inhaler technique, nobody ever showed me properly.
        A breathing group closer to home, not at the hospital, would get me out the house.
        Rescue packs for people with COPD so we don't end up at A&E every time.
        If the kids have asthma the housing should have to deal with the damp first.
        Do the lung checks in the supermarket car park, people round here won't go to the hospital for it.
    """,
    positives="""
        The respiratory nurse does home visits now and she checked my inhalers in my own kitchen.
        I did the pulmonary rehab at {venue} instead of the hospital, much easier to get to.
        The pulmonary rehab course changed my life, I can walk to the shops now without stopping.
        The breathe easy group is brilliant, we sing, we laugh, and nobody minds when you're puffing.
        (parent) The asthma nurse sat down with my son and explained everything, his attacks have nearly stopped.
        Since I got my rescue pack I've not been back in hospital, touch wood.
        The singing for lung health sessions are the highlight of my week.
    """,
    neutrals="""
        (parent) My son's asthma is better in the summer, it's the winter we worry about.
        I've got a spacer for my inhaler now, I didn't know about them before.
        I've got asthma but it's mostly under control, it's just the winters.
        My chest is what it is, I manage.
        I use my inhaler in the mornings and most days that's enough.
        I had my annual COPD review last month, all the same as last year.
    """,
    shorts="""
        Chest bad again.
        inhaler not working
        Wheezy all the time.
        Need my breathing checked.
        Can't breathe in winter.
        COPD, bad chest, no help.
        asthma again
        my chest!!
        out of breath all the time
    """,
)

BANKS["money"] = _bank(
    problems="""
        I've had to cancel the kids' swimming lessons, it was that or the electric.
        I get paid on the 28th and by the 15th there's nothing left.
        The benefit cap means we get less than we need for a family our size.
        I'm choosing between heating and eating, and it's not a figure of speech.
        The gas meter eats twenty pounds a week and the flat is still cold.
        I work full time and I still go to the food bank, how is that right?
        My universal credit got cut because of a mistake on their side and it took eight weeks to sort.
        I've got three jobs and I'm still short every month.
        (parent) I had to take my son's birthday money to put on the electric.
        The prepayment meter means I'm paying more than people who can afford direct debit.
        I can't afford the bus fare to the hospital so I miss appointments.
        After rent and bills there's about forty quid left for everything else.
        The price of everything has gone up except my wages.
        I stay in bed in the afternoon to keep warm and save the heating.
        I've borrowed off everyone I know and I'm embarrassed to ask again.
        (parent) The school trips, the uniform, the shoes, it never stops.
        I owe the council tax and now the bailiffs are writing.
    """,
    states="""
        I can't afford to put the heating on >> housing breathing
        money is so tight >> food mental-health isolation smoking
        everything's gone up and my wages haven't >> food mental-health money
        I'm on a prepayment meter >> housing money
        I'm in debt with the council tax >> mental-health
        my benefits don't cover the rent >> housing money food mental-health
        I can't afford the bus fare >> isolation transport
    """,
    events="""
        the energy prices went up >> housing money
        my hours got cut at work >> money food housing mental-health
        my universal credit was stopped >> money food mental-health
        the cost of living went through the roof >> money food isolation smoking
        I lost my job >> money food mental-health smoking isolation
    """,
    effects="""
        I can't afford to heat the flat properly
        I'm behind on every bill
        (parent) I'm skipping meals so the kids can eat
        I don't go out because everything costs money
        I'm borrowing off family to get to the end of the month
        I'm behind on the rent for the first time in my life
        I'm scared we'll lose the flat
        I'm in debt and I can't see a way out
        I'm counting every penny
    """,
    reported="""
        The woman at the council tax office said, you should have told us sooner, I didn't know I could.
        My son said, I don't need new trainers, and I know he does.
        The man at the job centre said I should look for more hours, I've already got two jobs.
        The energy company said I could go on a payment plan, for money I haven't got.
        (parent) My daughter said she didn't want to go on the school trip, and I knew it was because she knew we couldn't pay.
        The advice worker said I'd been missing out on a benefit for three years, nobody told me.
    """,
    asks="""
        Make the forms simpler, I gave up on the council tax support form halfway through.
        A benefits check for everybody, because people are missing out on money they're entitled to.
        Warm spaces were a good idea, keep them going all year, not just when it snows.
        Get rid of the prepayment premium, it's the poorest paying the most.
        Put the money advice where people already go, the school, the GP, the food bank.
        Free bus passes for people going to hospital appointments.
        Help with the energy bills for people with health conditions who have to keep the heating on.
    """,
    positives="""
        The credit union loan got me out of the doorstep lenders, the interest is nothing like it was.
        The energy advice man came round and got me off the prepayment meter, I'm saving a fortune.
        The money advice lady at {venue} found me two hundred pounds a month I didn't know I could claim.
        The warm space at the library got me through last winter, warm, a cuppa and people to talk to.
        The household support fund paid for a new fridge when ours died, I cried.
        Citizens Advice sorted out my energy debt, it's on a proper plan now and I can sleep.
    """,
    neutrals="""
        I walk to {shops} to save the bus fare, it's good for me anyway.
        I've started batch cooking on a Sunday, it saves a bit.
        I've got a budgeting app now, my daughter set it up.
        We get by, just about, like everyone round here.
        I'm alright for money, it's more my mum I worry about.
        Things are tight but we manage, we've always managed.
        I do the shopping at the end of the day when things are reduced, everybody does.
    """,
    shorts="""
        Can't pay the gas.
        Prices!!
        Broke by the 20th every month.
        everything costs too much now
        Heat or eat.
        Cost of living is killing us.
        skint every month
        Too expensive, everything.
        no money left after rent
    """,
)

BANKS["isolation"] = _bank(
    problems="""
        Since I stopped working I've lost all my friends, they were all work friends.
        I moved here to be near my son and then his job moved him away.
        (old) I have a chat with the postman, that's about it most days.
        Some weeks the only person I speak to is the lady on the till.
        (m) Since my wife died the evenings are the worst, the telly's on just for the noise.
        I've lived in this block twenty years and I couldn't tell you the name of the people next door.
        (mid,old) My kids are all over the country now, I see them at Christmas if I'm lucky.
        The day centre closed and that was my one day out a week.
        I've got nobody to ring if something happens, that's what frightens me.
        Weekends are long when you're on your own.
        I go to the supermarket every day just to be around people.
        I moved here for work and I've not made a single friend in two years.
        When you can't get out the door the world gets very small.
        (young) I'm young and I'm lonely, people don't think that happens but it does.
        I sit by the window and watch the street, that's my day.
        Since the pandemic I've got out of the habit of going anywhere.
        (old) My friends have all passed on, I'm the last one of our group.
    """,
    states="""
        I live on my own and I don't see anyone >> mental-health
        I've got no family nearby >> mental-health
        I can't get out of the flat on my own >> mental-health isolation
        (old) all my friends have passed away >> mental-health isolation
        I'm stuck indoors most days >> mental-health physical-activity
    """,
    events="""
        (adult) my husband passed away >> isolation mental-health
        (adult) my wife died >> isolation mental-health
        the day centre closed >> isolation mental-health
        the lunch club stopped >> isolation
        my daughter moved away >> isolation
        (adult) I stopped driving >> isolation transport
    """,
    effects="""
        I don't get out much anymore
        some days I don't speak to a soul
        I've lost touch with everyone
        I hardly leave the house now
        I feel very alone
        I'm stuck in the flat most days
        the weeks all blur into one
        I've stopped going to anything
    """,
    reported="""
        (f,mid,old) My daughter said, you should get out more, Mum, join something, and I thought, join what?
        The lady at the library said there's a book club on Tuesdays, so I went, and I keep going.
        The doctor asked if I was lonely and I said no, because what's he going to do about it.
        (f,mid,old) My son said, Mum, you need to get out more, from Australia.
        The lady at the lunch club said, we missed you last week, and I nearly cried because somebody noticed.
        My neighbour said she hadn't seen me for a fortnight and knocked to check, I was so grateful.
    """,
    asks="""
        A noticeboard in the doctor's and the chemist saying what's on this week, in big print.
        A phone call once a week from someone, just to check you're alive, would mean the world.
        Bring back the day centre, there's nothing else for people like me.
        Someone to go with you the first time, that's what stops people, walking in on your own.
        Clubs for people my age that aren't bingo, no offence to bingo.
        More things in the evenings and weekends, that's when it's hardest.
        Tell people what's on in the paper and on the noticeboards, not just online.
    """,
    positives="""
        The phone befriending call on a Monday is the first thing in my diary, she's like a friend now.
        The community garden gave me something to do and people to do it with.
        Since I started at the men's group I've got mates again, we go to the football together.
        I meet my friend at {market} every Saturday, it's the highlight of my week.
        The volunteers at {venue} ring me if I don't turn up, that means a lot.
        The community cafe has been a lifeline since my husband died, I go three times a week now.
        The befriending lady comes on a Thursday and we do the crossword, I look forward to it all week.
        (m) I joined the men's shed and I've made more friends in six months than in the last ten years.
        The lunch club at {venue} is the best thing, it's not just the dinner, it's the company.
        My social prescriber got me into a walking group and I've got a reason to get up in the morning now.
        The knit and natter group saved me after my husband went, I'm not exaggerating.
    """,
    neutrals="""
        I go to church on a Sunday, that's where I see people.
        My neighbour pops in now and again, we look out for each other.
        I live on my own but I'm quite content, I like my own company.
        I'd go to more things if I knew about them.
        I've got a few friends, I see them now and again.
        I'm not lonely exactly, I just don't have much going on.
    """,
    shorts="""
        On my own all week.
        nobody visits anymore
        Miss having company.
        Lonely.
        Nobody to talk to.
        long days on my own
        So lonely since he died.
        Just me and the telly.
    """,
)

BANKS["transport"] = _bank(
    problems="""
        The bus timetable at the stop is faded so badly you can't read it.
        I have to get off two stops early because the bus doesn't kneel and I can't step down from that one.
        Last bus back from {hospital} is before my clinic finishes.
        {bus} terminates early half the time and you're left standing in the cold.
        {bus} is meant to come every twenty minutes and I've waited an hour in the rain.
        They cut the evening buses, so if I go out I can't get home.
        The bus to {hospital} takes over an hour and I'm not well enough to sit that long.
        The bus stop has no seat and no shelter and I can't stand for long.
        The driver pulled away before I'd sat down and I nearly went over.
        There's no bus at all on a Sunday where I live.
        The buses don't run on time, so I'm late for work and my manager doesn't care why.
        The ramp on the bus was broken and the driver just shrugged and went.
        A taxi to the hospital is twenty pounds each way and there's no other way for me to get there.
        The hospital transport didn't turn up so I missed my appointment and got put to the back of the list.
        (parent) The bus fare for me and the three kids is more than I can afford for a day out.
        The app says the bus is coming and then it just disappears off the screen.
    """,
    states="""
        there's no bus where I live after six >> isolation
        the buses are so unreliable >> transport isolation
        {bus} only comes once an hour now >> transport isolation
        I can't manage the steps onto the bus >> isolation transport
        I can't afford taxis >> isolation transport
        I don't drive and there's no bus >> isolation transport gp-access
    """,
    events="""
        they cut {bus} >> isolation transport
        {bus} was cut >> isolation transport
        they changed the bus routes >> transport
        I lost my driving licence because of my eyes >> isolation transport
        the bus stop by my flat was moved >> transport isolation
        they stopped the hospital transport >> transport
    """,
    effects="""
        I can't get to my appointments
        I miss half my hospital appointments
        I have to walk two miles to the surgery
        (mid,old) I rely on my daughter for lifts and she works
        it takes me two buses to get anywhere
        I'm late for work most weeks
    """,
    reported="""
        The driver said, the bus behind is empty, wait for that, and it didn't come for forty minutes.
        The hospital letter said, allow plenty of time, I allowed two hours and I was still late.
        The bus driver said he's not allowed to wait, even for someone with a walking frame.
        The hospital said transport is only for people who can't get the bus, and I can't, but apparently I can.
        The bus company said the route wasn't used enough, well it was used by me.
        The receptionist said just get a taxi, like it's nothing.
    """,
    asks="""
        Real-time signs at the stops, not everyone has a phone with the app.
        Bring back the evening buses, people work shifts.
        Put a bench and a shelter at the stops, some of us can't stand for half an hour.
        A community minibus to the hospital and the surgery would change everything round here.
        Make the hospital transport easier to book, you shouldn't need to pass a test.
        Free travel for carers going with the person they look after.
        If they're going to cut a route, ask the people who use it first.
    """,
    positives="""
        The community transport bus to the shops on a Thursday is brilliant, they help you with your bags.
        {bus} drivers are lovely, they wait while I get sat down.
        The dial-a-ride service is brilliant, the drivers know me by name and they wait.
        The new bus route goes right past {hospital} now, it's made my life so much easier.
        The volunteer drivers took me to every one of my chemo appointments, I don't know what I'd have done.
        My bus pass is my freedom, I go all over on it.
    """,
    neutrals="""
        I've got a bus pass, I use it for the shops mostly.
        I'd cycle if there were proper lanes, I've not got the nerve on the main road.
        I get the bus most places, it's alright mostly.
        I walk everywhere, I've never had a car.
        {bus} is fine in the day, it's the evenings that are the problem.
        I use the buses a lot, the timetable could be clearer at the stops.
    """,
    shorts="""
        Buses too far apart.
        need more buses
        The bus is never on time.
        No bus, no appointments.
        Bring back the buses.
        Buses!!!
        no bus on Sundays
        bus never comes
        The buses are a joke.
    """,
)

BANKS["gp-access"] = _bank(
    problems="""
        I've been given three different diagnoses by three different doctors over the phone.
        The surgery closes for lunch and that's the only time I can ring from work.
        (f) I had to tell the receptionist all about my smear results in a full waiting room.
        The only appointment they had was at a surgery over by {shops}, two buses away.
        I waited five hours at {urgent} for something a GP could have sorted in ten minutes.
        You ring at eight, you're number thirty in the queue, and by the time you get through they're all gone.
        I can't get an appointment at my GP for love nor money.
        I've not seen the same doctor twice in three years, I have to tell my whole story every time.
        (parent) I've been trying to get a GP appointment for my daughter for a week.
        They won't book anything in advance, it's ring on the day or nothing.
        I work from seven till seven, how am I supposed to ring at eight in the morning?
        The online form closes at ten past eight because it's full.
        I waited three weeks for a phone call and the doctor rang when I was on the bus.
        The surgery is always closed for training when I need it.
        I ended up at {urgent} for something my GP should have sorted.
        The receptionist wants to know all my business before I can see the doctor.
        Getting a blood test means a six week wait and a trip across town.
        My repeat prescription goes missing every single month.
        I was on hold for fifty minutes and then the line just went dead.
    """,
    states="""
        I can't get a GP appointment >> gp-access mental-health breathing
        the surgery never answers the phone >> gp-access mental-health
        I can never see the same doctor >> trust
        the GP only does phone calls now >> gp-access
        the waiting list for everything is months >> mental-health
    """,
    events="""
        my GP retired >> gp-access
        the surgery merged with the one across town >> gp-access
        they stopped doing walk-ins at the surgery >> gp-access
        my surgery went over to online booking >> gp-access digital
    """,
    effects="""
        I just don't bother with the GP anymore
        I end up at A&E for things the GP should sort
        things get worse before anyone sees me
        I've given up trying to get an appointment
        I'm managing on my own with painkillers
        I leave it until it's really bad
    """,
    reported="""
        The receptionist said, is it an emergency, and I said I don't know, that's why I want to see a doctor.
        The doctor said, we can only do ten minutes, so what's the main thing, and I just froze.
        The receptionist said ring back tomorrow at eight, and I said I've been ringing at eight all week.
        The receptionist said the doctor can only deal with one problem per appointment, I've got three.
        The doctor said it's probably nothing, and it wasn't nothing.
        The lady on the phone said she couldn't tell me when the doctor would call, just to keep my phone on.
        My GP said she'd refer me and six months later the hospital said they never got the letter.
        The pharmacist said go back to your GP, and the GP said ask the pharmacist.
    """,
    asks="""
        Tell us who we're seeing and why, the nurse, the pharmacist, the physio, we don't know who does what now.
        Let people book ahead, not everyone can ring at eight o'clock.
        Evening and weekend appointments for people who work.
        Let me see the same doctor who knows me, especially with my conditions.
        A proper callback time, not just sometime today.
        Drop-in clinics in the community centre for the simple things.
        Tell people what the pharmacy can do so we don't all pile into the GP.
    """,
    positives="""
        The social prescriber at my surgery sorted my housing forms and got me into a walking group, all from one appointment.
        My surgery's care coordinator rings me every month to check I'm alright, I never had that before.
        (parent) My GP is brilliant, she always rings back and she remembers my kids' names.
        The new triage system at my surgery actually works, I got seen the same day.
        The practice nurse is the reason I'm still going, she takes time with me.
        I got an evening appointment at the hub and it was so much easier with work.
        The pharmacist sorted my chest infection in ten minutes, didn't even need the GP.
    """,
    neutrals="""
        I saw a physio at the surgery last month without seeing the GP first, I didn't know you could do that.
        My surgery sends texts now for the flu jab, that's handy.
        I don't go to the doctor much, only when I have to.
        My surgery is alright, you have to be persistent.
        I use the online form now, it's hit and miss.
        I'm registered at the surgery near my work rather than near home, it's easier.
    """,
    shorts="""
        Never get through.
        GP phone queue is a joke
        Waited 3 weeks to see anyone.
        Can't see a doctor.
        Can't get a GP appointment.
        8am phone queue, every day.
        GP impossible.
        no appointments ever
        The 8 o'clock scramble.
    """,
)

BANKS["dentist-access"] = _bank(
    problems="""
        My daughter's teeth are rotting and the only advice is brush more.
        I've got a broken tooth with a sharp edge and it's cutting my tongue.
        I've been trying to find an NHS dentist for two years.
        My tooth's been killing me for a month and the only option is private for two hundred quid.
        None of the dentists round here are taking NHS patients, I've rung them all.
        (parent) My kids have never seen a dentist and they're six and nine.
        I got taken off the dentist's list because I didn't go during covid.
        The emergency dentist line told me to ring back at seven the next morning, and then they were full.
        I've had an abscess three times this year, they just give me antibiotics.
        My dentures don't fit anymore and I can't find anyone to do new ones.
        I'm on a waiting list for a dentist and they said it could be years.
        I'd rather not smile in photos because of my teeth.
    """,
    states="""
        I can't find an NHS dentist anywhere >> dentist-access
        my teeth are in a terrible state >> dentist-access mental-health
        I can't afford to go private >> dentist-access
        my dentures don't fit >> dentist-access
    """,
    events="""
        my dentist went private >> dentist-access
        I got taken off the dentist's list >> dentist-access
        my tooth broke >> dentist-access
    """,
    effects="""
        I can only eat soft food
        I'm living on painkillers for my teeth
        I've been in pain for weeks
        I'm embarrassed to smile
        I've pulled out my own tooth
    """,
    reported="""
        The dentist said, we can do a temporary filling, then you'll have to find someone else.
        My GP said, I can't help with teeth, you need a dentist, I said, I know.
        The dentist's receptionist said they could see me next week, privately, or in two years on the NHS.
        The 111 lady said there's no emergency dentist with a slot, take paracetamol.
        (parent) My son said, why can't I go to the dentist like my friends, and I didn't know what to tell him.
    """,
    asks="""
        Let people see a dentist at the walk-in centre when they're in agony.
        Just tell us which dentists are taking NHS patients, one list, kept up to date.
        Bring back the school dentist, kids need checking.
        A dental bus that comes round the estates, like they used to have.
        Emergency dental appointments that you can actually get on the day you're in pain.
    """,
    positives="""
        The emergency dental clinic saw me the same day after I rang 111, I was so relieved.
        The dental nurse who came to the children's centre showed my kids how to brush properly.
        (parent) The community dental service saw my son in the end and they were so gentle with him.
        I finally got an NHS dentist after three years, the staff are lovely and it was worth the wait.
        (parent) The dental van at the school checked all the kids, it found two of my daughter's fillings.
    """,
    neutrals="""
        (parent) The kids go to the dentist through the school scheme, I haven't been myself for a while.
        I've still got my old dentist from before, I hold on to that appointment for dear life.
        I pay private for the dentist, it's expensive but I couldn't find anything else.
        I don't think I've been to a dentist in five years, it's just not something I think about.
    """,
    shorts="""
        Where are the NHS dentists?
        teeth hurting, no dentist
        Private only. Can't afford it.
        No NHS dentist.
        need a dentist!!
        toothache for weeks
        dentists all private now
    """,
)

BANKS["mental-health"] = _bank(
    problems="""
        I had to fill in the same form about my mood three times for three different services.
        I didn't want to go on tablets but nobody offered me anything else.
        When my mum died I couldn't get out of bed for weeks and nobody noticed.
        I waited months for {mh_service} and by then I'd given up.
        I've been on the waiting list for talking therapy for nine months.
        In my family you don't talk about mental health, you just get on with it.
        I don't want people at church to know I'm on antidepressants.
        My son was in crisis and we waited eleven hours in A&E for someone from mental health.
        I was discharged from {mh_service} after six sessions and I wasn't better.
        The anxiety is so bad some days I can't open the front door.
        (parent) My daughter self-harms and we're still waiting for CAMHS.
        Men round here don't talk about it, you'd rather die, and some do.
        They gave me a number to ring and a leaflet, that's not help.
        (parent) I'm frightened if I tell the doctor how I really feel they'll take my kids.
        I've been signed off work with depression and the money worries make it ten times worse.
        The crisis line kept me on hold for forty minutes.
    """,
    states="""
        my anxiety is so bad >> isolation smoking
        I'm on a waiting list for therapy >> mental-health
        I've got depression and nobody to talk to >> isolation smoking
        I'm so stressed all the time >> smoking mental-health
        my head is all over the place >> isolation
    """,
    events="""
        I lost my job >> money food mental-health smoking isolation
        (adult) my son was sectioned >> mental-health
        the counselling finished >> mental-health smoking
        I had my breakdown >> isolation money
    """,
    effects="""
        I'm not sleeping
        my anxiety is through the roof
        I'm so low I can't see the point
        I'm stressed out of my mind
        my nerves are shot
        I've been on antidepressants for a year
        I cry most days
        my mental health has gone downhill
        I feel like I'm going under
        I worry about it day and night
    """,
    reported="""
        My boss said, we all get stressed, just push through it.
        The crisis team said, call us back if it gets worse, and I said it's already worse.
        The GP said everyone feels a bit down in the winter, and I walked out feeling stupid.
        My mum said, don't tell anyone, people will say you're mad.
        The therapist said we've only got six sessions, so let's focus on one thing.
        My friend said, you don't look depressed, as if there's a look.
    """,
    asks="""
        A drop-in on a Saturday, because that's when it's worst and everything's shut.
        Somewhere to walk in and talk to someone when it's bad, not a number.
        Mental health support in the languages people actually speak.
        Talk about mental health at the mosque, the church, the barber's, where people are.
        Shorter waits for the talking therapy, nine months is too long when you're struggling.
        Peer support, people who've been there, that's what helps.
        Something for young men, they're the ones not asking for help.
    """,
    positives="""
        The walk and talk group at {green} got me out of the house when I couldn't face anything else.
        The counsellor at {venue} was from my community and she understood without me explaining.
        The peer support group saved my life, I mean that, they understood without me explaining.
        The mental health worker at the GP surgery was amazing, she got me seen quickly.
        I did the talking therapy online and it helped more than I thought it would.
        My social prescriber got me into gardening and for the first time in years I feel calm.
        The barber runs a men's chat group now, I went once for a laugh and I keep going back.
    """,
    neutrals="""
        I've been on medication for a while, it takes the edge off.
        I talk to my sister mostly, she's the one I trust.
        I've had anxiety on and off for years, it's manageable most of the time.
        I know where to go if I need help, I just don't always go.
        I'm on the waiting list, we'll see.
        Some of my family are more open about mental health now, it's changing slowly.
    """,
    shorts="""
        Need someone to talk to.
        low all the time
        Waiting list for therapy, still.
        My nerves are bad.
        Mental health waits too long.
        struggling
        Not coping.
        depressed and tired
        Anxiety every day.
    """,
)

BANKS["screening"] = _bank(
    problems="""
        (f) I booked the smear three times and cancelled three times, I just can't face it.
        The bowel kit instructions were so complicated I gave up.
        (f) The breast screening was at {hospital}, I couldn't get there with the kids.
        The bowel test kit is still in the drawer, I can't bring myself to do it.
        (f,mid) I've never been for a smear, I'm too embarrassed, and I'm forty-five.
        I'm frightened of what they'll find, so I'd rather not know.
        (f) The letter for the breast screening came for a place I can't get to.
        My mum died of cancer and I'm too scared to go for the checks.
        The lung health check letter looked like junk mail, I nearly threw it away.
        (f) The smear test was so painful last time I've never gone back.
        (m) I didn't know men could get checked for anything until my mate got prostate cancer.
        They only do the screening in the day when I'm at work.
        Nobody explained what the screening was for, the letter was all long words.
        I had a lump and I waited months before I told anyone.
    """,
    states="""
        I'm too scared of what they'll find >> screening
        (f) I'm embarrassed about the smear test >> screening
        the screening letters are hard to understand >> screening
        my mum died of cancer >> screening mental-health
    """,
    events="""
        my mum got her cancer diagnosis too late >> screening mental-health
        (f) I had a bad experience at my last smear >> screening trust
        my friend was diagnosed with breast cancer >> mental-health screening
    """,
    effects="""
        (f) I keep putting off my smear
        I've not done the bowel test
        I put off going to the doctor about the lump
        I keep ignoring the screening letters
    """,
    reported="""
        (f) The nurse said, you're overdue your smear, like I'd forgotten, I hadn't forgotten.
        (m) My wife said, go and get that checked, and I said it's nothing, and it wasn't nothing.
        The nurse said it will only take five minutes, like that was the problem.
        (f) My husband said, don't go, you'll only worry, so I didn't.
        The letter said call to book and I called and they said the clinic was full until spring.
        (f) My friend said the mammogram was nothing, so I booked it, and she was right.
    """,
    asks="""
        (f) Let us do the smear test at home, I've heard that's possible now.
        A woman to do the smear, and to say it's alright to bring someone with you.
        Screening clinics in the evenings and on a Saturday.
        Letters that explain it in normal words, and in other languages.
        Someone from the community to talk to women about it, in our language, over a cup of tea.
        Bring the lung check van back to the supermarket car park, people went because it was right there.
        Tell people about the bowel kit in person, the letter doesn't do it.
    """,
    positives="""
        (f) The nurse said I could bring my sister and stop any time, and that made it alright.
        The health check at {venue} found my blood pressure was sky high, I'm on tablets now and glad I went.
        (f) I finally went for the mammogram and the radiographer was so kind I booked my mum in too.
        The lung check found something early and they sorted it, I'm fine now.
        (f) The health champion at the mosque explained the bowel test and now my husband's done it.
        The nurse let me take my time and explained every step, it wasn't anything like I feared.
    """,
    neutrals="""
        I had the letter for the lung check, I haven't decided yet.
        I go for my screenings when the letter comes, I don't really think about it.
        I did the bowel kit, it was a bit grim but it was fine.
        (f) I'm due a smear, I keep meaning to book it.
        I'd go for a health check if it was near me.
    """,
    shorts="""
        Too scared to go for the check.
        didn't understand the letter
        (f) Scared of the smear.
        bowel kit still in the drawer
        too frightened to get checked
    """,
)

BANKS["trust"] = _bank(
    problems="""
        They send a different person every time, so there's no one to hold to account.
        I told them about my disability and it still wasn't on my notes next time.
        I don't trust them, they say one thing and do another.
        We've been consulted to death, every year someone new, and nothing changes.
        When I tell them I'm in pain they don't believe me because I'm Black.
        I told them what was wrong and they treated me like I was making it up.
        The council never writes back, I've sent three emails.
        They talk to us like we're stupid because we live on the estate.
        Every time I go to the hospital I'm treated like a number.
        I was told off for being late when the bus never came, nobody asked why.
        I feel judged every time I walk in there, the way they look at you.
        Why should I fill in another survey, nobody ever tells us what happened to the last one.
        They lost my records and then acted like it was my fault.
        The receptionist spoke to the interpreter and not to me, like I wasn't in the room.
    """,
    states="""
        nobody listens to people like us >> trust screening gp-access
        I don't trust the council >> trust
        they never tell you what happened with what you said >> trust
        I've been let down too many times >> trust screening gp-access
        they treat you like you're stupid >> screening gp-access trust
    """,
    events="""
        they lost my referral >> gp-access mental-health
        the council broke its promises about the estate >> trust
        nobody came back to us after the last consultation >> trust
        I was treated badly at the hospital >> trust screening gp-access
    """,
    effects="""
        I don't believe anything they say anymore
        I don't bother complaining anymore
        I've stopped filling in their forms
        I keep my head down and don't ask for anything
        I don't go to their meetings anymore
    """,
    reported="""
        The man from the council said, that's not my department, three times in one conversation.
        The nurse said, we don't usually see people like you here, and I still don't know what she meant.
        The doctor said, you people always exaggerate, and I will never forget that.
        The man from the council said, we hear you, and then we never saw him again.
        (f) The nurse said, are you sure you're not just anxious, when I was having a miscarriage.
        They said they'd come back in six weeks with a plan, that was last year.
    """,
    asks="""
        Put what you're doing about what we said on a board in the community centre, so we can all see it.
        Come back and tell us what you did with what we said, even if the answer is nothing.
        Employ people from round here, people who look like us and talk like us.
        Listen first, don't come with the answer already decided.
        Treat people with respect, that's free.
        Have the same people come back, not a different face every time.
        Be honest when you can't do something, we'd rather know.
    """,
    positives="""
        They came back to the estate and showed us what they'd changed because of what we said, first time ever.
        The new manager at the surgery sat in on the residents' meeting and listened for two hours.
        The community connector came back and told us what the council had done with our ideas, that never happens.
        For once they listened, the new bus stop is there because we asked for it.
        The health champions are from round here, so people actually talk to them.
        The nurse spoke to me like a person and explained everything, I trusted her straight away.
    """,
    neutrals="""
        I fill these things in because my neighbour's a connector, not because I think it'll change much.
        I'll give them a chance, but they'll have to earn it.
        Some services are good, some aren't, it depends who you get.
        I don't have strong feelings either way about the council.
        I'd fill in more of these if I knew they were read.
    """,
    shorts="""
        They never come back to us.
        fed up of surveys
        Don't trust them.
        Nobody listens.
        Heard it all before.
        no point, nothing changes
        Same old promises.
    """,
)

BANKS["food"] = _bank(
    problems="""
        By Thursday it's toast for tea, every week.
        (parent) My son's gone off his school dinners and I can't afford packed lunches.
        The nearest proper supermarket is two buses away, round here it's chicken shops and a corner shop.
        Fresh fruit is so dear I buy tins.
        (parent) The kids get one hot meal a day and that's at school.
        I've used the food bank three times this month and I'm ashamed.
        Healthy food costs more than the rubbish, simple as that.
        (parent) The school holidays are the worst, no free school meals and the kids are always hungry.
        I've got diabetes and I'm supposed to eat properly but I can't afford it.
        There's six takeaways on our parade and not one greengrocer.
        The food bank only opens when I'm at work.
        (parent) My son's on a special diet for his allergies and it costs a fortune.
    """,
    states="""
        I can't afford fresh food >> food
        there's only takeaways near us >> food
        the food bank has run out >> food mental-health
        (parent) the kids are always hungry in the holidays >> mental-health
    """,
    events="""
        the food prices went up >> food
        the big supermarket closed >> food
        the free breakfast club stopped >> food
    """,
    effects="""
        we live on pasta and tins
        (parent) I skip meals so the kids can eat
        I'm eating worse than ever
        (parent) the kids are hungry by the weekend
        I've put weight on because I eat what's cheap
    """,
    reported="""
        The man at the food bank said, there's no fresh this week, just tins.
        The dietitian said eat more fruit and fish, and I said have you seen the prices.
        The lady at the food bank said, don't be embarrassed, half the street comes here.
        (parent) My daughter said her friends have packed lunches with grapes and she gets crisps.
    """,
    asks="""
        Fruit and veg vouchers for families, like Healthy Start but that people actually know about.
        Keep the holiday clubs with the free lunches, the kids need them.
        A community shop where things are cheaper, they've got them in other places.
        Cooking classes for cheap healthy meals, with the food included.
        Stop opening more chicken shops next to schools.
        Open the food bank in the evenings for people who work.
    """,
    positives="""
        The Healthy Start card got me milk and fruit for the baby, the health visitor told me about it.
        The community kitchen at {venue} does a hot meal on a Wednesday for a pound, and it's proper food.
        The lady at {market} puts aside the bruised fruit for me, it's cheap and it's fine.
        (parent) The holiday club fed my kids all summer, and they loved the activities.
        The community fridge is brilliant, no questions asked, and no shame.
        The pantry scheme at {venue} is a few pounds a week and I get a full bag, fresh veg and all.
        (parent) The cooking course taught me to make curry from scratch for pennies, the kids love it.
    """,
    neutrals="""
        I grow a few tomatoes on the balcony, it's something.
        (parent) The school does a breakfast club, my youngest goes twice a week.
        I do most of my shopping at {market}, it's cheaper.
        We eat alright, I cook most nights.
        I use the food bank now and again, between pay days.
        I'd like to eat more healthily, I just don't always have the time.
    """,
    shorts="""
        Can't afford fruit.
        Only chicken shops round here.
        food bank every week now
        Food too dear.
        food bank again this week
        hungry kids in the holidays
    """,
)

BANKS["physical-activity"] = _bank(
    problems="""
        The leisure centre changing rooms aren't accessible, so I don't go.
        I used to walk the dog but since he died I don't go out walking at all.
        The gym is forty pounds a month, that's a week's shopping.
        I'd love to swim but the pool is miles away and costs a fortune.
        The park near us has no lights so you can't walk there after four in winter.
        My doctor keeps telling me to exercise but with my knees I don't know what I'm supposed to do.
        The football pitches are all booked by clubs, nowhere for the kids to just kick a ball.
        There's nothing for teenagers round here, so they hang about and get into trouble.
        I'm too embarrassed to go to a gym, everyone's young and fit.
        The outdoor gym in the park is broken and nobody fixes it.
        (parent) The kids are stuck on their phones all day because there's nothing else to do.
        The exercise classes are all during the day when I'm working.
    """,
    states="""
        the gym is too expensive >> physical-activity
        there's nowhere safe to walk round here >> physical-activity isolation
        my knees are bad >> physical-activity isolation
        there's nothing for the kids to do >> mental-health
    """,
    events="""
        the leisure centre put its prices up >> physical-activity
        the youth club closed >> safety
        I had my hip done >> physical-activity isolation
    """,
    effects="""
        I've put on weight
        I hardly move all day
        I'm getting stiffer every year
        I've stopped going to the gym
    """,
    reported="""
        The doctor said, lose weight, and gave me a leaflet for a gym I can't afford.
        The physio said walk every day, I said where, round the car park?
        The man at the leisure centre said there's no concession unless you're on benefits.
        (parent) My son said there's nothing to do round here, and he's right.
    """,
    asks="""
        Free exercise on prescription that you can actually get to, near where people live.
        Cheaper swimming for families, especially in the holidays.
        Women-only sessions at the leisure centre, my mum won't go otherwise.
        Exercise classes for older people that aren't at ten in the morning.
        Put lights in the park so we can walk there in winter.
        Open the school playgrounds at the weekends for the kids.
    """,
    positives="""
        The free cycling lessons for adults gave me the confidence to ride to work.
        The football for over fifties is brilliant, walking football, no running, lots of laughing.
        I walk round {green} every morning with my neighbour, rain or shine.
        The walking group is the best thing I've done, gentle, sociable, and I've lost a stone.
        (old) The chair exercise class at {venue} has got me moving again after my fall.
        Parkrun on a Saturday at {green}, I never thought I'd run, now I do it every week.
        (parent) The free swimming for under sixteens has been brilliant, my lot are in the pool every weekend.
        (old) The dance class for over sixties is such a laugh, my balance is so much better.
    """,
    neutrals="""
        I do the stairs in our block instead of the lift, that's my gym.
        My daughter got me doing yoga on YouTube in the front room.
        I walk to work most days, that's my exercise.
        (parent) I go to {green} at the weekends with the kids when it's dry.
        I used to play football, I'd like to get back into it.
        I'd do more if there was something nearby.
    """,
    shorts="""
        Swimming costs too much.
        nowhere to walk safely
        Want to exercise, can't afford it.
        Nothing for the kids to do.
        gym too dear
        need lights in the park
    """,
)

BANKS["safety"] = _bank(
    problems="""
        The entry door to our block has been broken for weeks and anyone walks in.
        I carry my keys between my fingers walking home, every night.
        Round {shops} after dark it's not nice anymore, I keep my head down.
        I don't go out after dark anymore, not since I was followed home.
        There's drug dealing on the stairs of our block, everyone knows, nobody does anything.
        The street lights on our road have been out for months.
        (parent) My son got robbed for his phone on the way home from school.
        Motorbikes racing up and down all night, you can't sleep and you can't cross the road.
        The underpass is dark and smells and I won't use it.
        Someone set fire to the bins in our block again.
        My neighbour got shouted at in the street for wearing her hijab and nobody said anything.
        The police don't come, you ring and they give you a crime number.
        There's needles in the stairwell and the kids play there.
    """,
    states="""
        I don't feel safe going out at night >> isolation physical-activity mental-health
        there's dealing on the stairs >> safety mental-health
        the street lights don't work >> safety physical-activity
        it's not safe in the park after dark >> safety physical-activity
    """,
    events="""
        I was mugged >> safety mental-health isolation
        someone broke into our flat >> mental-health safety
        my son was stabbed >> mental-health safety
        the police station closed >> safety
    """,
    effects="""
        I don't go out after dark
        (parent) I don't let the kids play out
        I'm frightened in my own home
        I get a taxi everywhere at night
    """,
    reported="""
        The police officer said, we know about the dealing, we're building a picture, that was last year.
        The police said there wasn't much they could do without CCTV.
        The housing officer said they'd put a new door on the block, that was a year ago.
        (f,parent) My daughter said, Mum, I'm scared to walk past the shops, and she's sixteen.
    """,
    asks="""
        CCTV that works, and someone who actually looks at it.
        Fix the street lights, it's not complicated.
        More for the young people to do, then there'd be less trouble.
        Police we actually see walking about, who know the area.
        A proper door entry system on the block so people can't just walk in.
        Cut back the bushes along the path, people hide in there.
    """,
    positives="""
        The community wardens walk round in the evenings now and it feels safer, people say hello.
        The new lights on the path have made such a difference, I walk home from the bus now.
        Our neighbourhood police officer is great, she knows everyone and she comes to the residents' meetings.
        (parent) The youth club has kept my son off the streets, they're like family to him.
    """,
    neutrals="""
        We've got a WhatsApp group on our road now, people post if something's going on.
        It's not too bad round here, it's like anywhere.
        I feel safe in the day, I'm more careful at night.
        There's been some trouble on the estate but it's better than it was.
    """,
    shorts="""
        Scared at night.
        dealers outside the shop
        Fix the lights!
        Don't feel safe at night.
        street lights out again
        drug dealing on the stairs
    """,
)

BANKS["caring"] = _bank(
    problems="""
        I do all my caring at night and work all day, I haven't slept properly in years.
        The carer's assessment took eight months and at the end of it they offered me a leaflet.
        Getting Mum to her appointments at {hospital} is a whole day out for me.
        I look after my mum full time and I haven't had a day off in three years.
        Carer's allowance is less than a part-time job and I'm on call twenty-four hours.
        Nobody asks how I am, they ask how he is, and I'm falling apart.
        (adult) I care for my son who's autistic and the waiting list for support is two years.
        When I'm ill there's nobody to look after my husband, so I just can't be ill.
        I gave up my job to look after my dad and now I've got nothing for my own pension.
        Respite care got cancelled again and I was at the end of my tether.
        (young) I'm eighteen and I've been caring for my mum since I was eleven, nobody at school knew.
        The carers come at different times every day and never the same person.
        I do his meds, his meals, his washing, and the hospital still speaks to him and not me.
    """,
    states="""
        (adult) I'm caring for my husband on my own >> caring mental-health isolation money
        I look after my mum every day >> caring mental-health isolation
        I'm a full-time carer >> caring money isolation mental-health
        (adult) my son needs care round the clock >> caring mental-health
    """,
    events="""
        (adult) my husband had his stroke >> caring isolation mental-health
        Mum was diagnosed with dementia >> caring mental-health
        the respite care stopped >> caring mental-health
        I became a carer for my dad >> caring isolation money
    """,
    effects="""
        I've got no time for myself
        I'm exhausted all the time
        I've had to give up work
        I haven't had a break in years
    """,
    reported="""
        The consultant said, and who looks after him at home, and then didn't ask a single thing about me.
        The social worker said I'm coping well, I'm not, I'm just not crying in front of her.
        The hospital discharged Dad and said the carers would come, and nobody came for four days.
        The GP asked if I'd registered as a carer, and I said I didn't know you could.
    """,
    asks="""
        Let carers book appointments for the person they care for without the password palaver.
        Proper respite, regularly, so carers can have a break before we break.
        Treat carers as part of the team, we know more than anyone.
        Carers need a check-up too, someone to ask how we are.
        One person to ring who knows our situation, not a different team each time.
        Support for young carers at school, so teachers understand.
    """,
    positives="""
        The carers' cafe once a month is my lifeline, I can laugh and nobody judges.
        The carers' centre gave me a break and people to talk to who get it.
        (parent) The young carers group is the only place my daughter can be a kid.
        The sitting service means I can go to the shops on a Tuesday without worrying, it's two hours of breathing.
        The Admiral nurse helped me understand Mum's dementia and what's coming, I feel less lost.
    """,
    neutrals="""
        (adult) My mum goes to a day centre twice a week, that gives me a bit of time.
        I look after my dad, my brother helps at weekends, we manage between us.
        I'm registered as a carer at my GP, I don't know if it makes any difference.
        I care for my wife, it's what you do.
    """,
    shorts="""
        Caring 24/7, no break.
        Need respite.
        tired carer, no help
        Carers need a break.
        exhausted carer here
        nobody cares for the carer
    """,
)

BANKS["digital"] = _bank(
    problems="""
        I had to do a video call with the doctor in the library with everyone listening.
        The text message said click here to book and it took me to a page I couldn't read.
        Everything's online now and I haven't got a computer.
        (mid,old) I can't work the NHS app, my grandson set it up and now it wants a new password.
        The surgery only does online forms and my phone is too old.
        I haven't got wifi at home, I use my data and it runs out.
        They sent me a text with a link and I don't click links, you hear about scams.
        To get the appointment you need an email address, I've never had one.
        The video call kept freezing and the doctor gave up on me.
        I spent two hours on the universal credit website and it logged me out.
        My eyes aren't good enough to read the little screen.
        (mid,old) My daughter does all my online stuff and I don't like her knowing my business.
    """,
    states="""
        I haven't got a smartphone >> digital gp-access
        I can't use the NHS app >> digital gp-access
        everything's online now >> digital isolation
        I haven't got wifi at home >> digital
    """,
    events="""
        the surgery went online only >> digital gp-access
        my phone broke >> digital
        they stopped sending letters >> digital
    """,
    effects="""
        I can't book anything myself
        I miss out on appointments because I don't see the messages
        (mid,old) I have to ask my grandson to do everything for me
        I feel left behind
    """,
    reported="""
        The young man at the bank said, it's all on the app now, and walked off.
        The receptionist said just do it on the app, I said I haven't got the app.
        (mid,old) My son said, Mum, it's easy, and then he went home.
        The man on the phone said go to the website, I said that's why I'm ringing you.
    """,
    asks="""
        Send the appointment by letter as well as by text, please.
        Keep a phone number with a real person on it for people like me.
        Digital help at the library, someone to sit with you.
        Free data or cheap wifi for people on low incomes.
        Don't make online the only way, some of us need a letter.
    """,
    positives="""
        The tech cafe at {venue} sorted my phone and showed me the NHS app, and they were so patient.
        The digital buddy at the library showed me how to order my prescriptions on my phone, I'm a whizz now.
        (mid,old,white-other) I got a free tablet and a SIM through a scheme and I do video calls with my grandkids in Poland.
        The NHS app is handy once you know how, I can see my test results straight away.
    """,
    neutrals="""
        (mid,old) My grandson showed me how to video call, I do it every Sunday now.
        I use the app for my prescriptions, it's fine for that.
        I'm alright with computers, it's my mum who struggles.
        I'd rather do things in person but I can manage online.
    """,
    shorts="""
        Everything's an app now.
        don't have a smartphone
        Too much online.
        Not everyone is online!!
        can't use the app
        no wifi, no appointments
    """,
)

BANKS["language"] = _bank(
    problems="""
        (eal) I say I understand because I don't want to waste the doctor's time.
        (eal) The phone menu at the surgery is only in English and it's very fast.
        The letters from the hospital are all in English and my mum can't read them.
        I had to interpret for my dad at his cancer appointment, I was fourteen.
        They don't book interpreters, they ask you to bring a family member.
        (eal) When I ring the surgery they speak too fast and put the phone down when I don't understand.
        (eal) I didn't know what medicine I was taking for two months because nobody explained in {language}.
        (eal) My English is good enough for the shop but not for the doctor.
        (eal) The interpreter on the phone was speaking a different dialect, I understood half.
        (eal) I nodded along because I was embarrassed to say I didn't understand.
        (eal) There's nothing written in {language}, not one leaflet.
        I take time off work to go with my mum to every appointment, because nobody there speaks {language}.
        My dad nods and says yes to the doctor, then asks me in the car what it all meant.
    """,
    states="""
        (eal) my English is not good >> language gp-access screening
        (eal) nobody speaks {language} at the surgery >> language gp-access
        the letters are only in English >> screening
        my mum doesn't speak English >> caring
    """,
    events="""
        the interpreter didn't turn up >> language gp-access
        (eal) we came to this country >> isolation
    """,
    effects="""
        (eal) I don't understand what the doctor tells me
        (eal) my children have to translate for me
        I don't go to the doctor unless it's very bad
        (eal) I miss appointments because I can't read the letters
    """,
    reported="""
        (eal) The pharmacist said, take two, and I didn't know if it was two times or two tablets.
        (eal) The receptionist said, speak English, and I said I am trying.
        (eal) The doctor said, your son can translate, he's nine.
        (eal) The nurse said there's no interpreter today, come back next week.
    """,
    asks="""
        Pictures on the medicine labels, for people who can't read English well.
        Interpreters in person for the important appointments, not a phone on speaker.
        Letters in {language}, or at least a number to ring in {language}.
        Health workers from our community who speak our language.
        English classes with a creche, so mothers can go.
    """,
    positives="""
        (eal) The surgery booked an interpreter for me without me asking, the receptionist remembered.
        (eal) The interpreter at {hospital} was wonderful, for the first time I understood my diagnosis.
        The health champion speaks {language} and she explains everything, people trust her.
        My mum's surgery has a receptionist who speaks {language} now, it's made such a difference to her.
        (eal) The English class at {venue} is free and they look after the children, my English is much better now.
    """,
    neutrals="""
        (eal) My English is alright, I manage, my husband's is not so good.
        (eal) I usually take my daughter with me to appointments to help with the language.
        (eal) I speak {language} at home and English at work.
        My parents' English isn't great so I go with them to appointments, I don't mind.
        There's a sign at our surgery in six languages, I've never seen anyone use it.
    """,
    shorts="""
        (eal) English hard for me.
        Translate the letters please.
        (eal) no interpreter again
        (eal) need interpreter
        Letters only in English.
    """,
)

# Lead-ins that set the tone of a complaint.
OPENERS = _lines("""
    Where do I start.
    Honestly?
    I'll be honest with you.
    I'll tell you what it's like.
    It's the same story every time.
    You want to know what's wrong round here?
    I don't usually do these things but my neighbour said I should.
    Put this down, because nobody else listens.
    I've said this before and I'll say it again.
    It's not just me, it's everyone on my road.
    Right.
    OK so.
    Listen.
    I don't want to moan but.
    I'm tired, if I'm honest.
    I've had enough, really.
    Nobody ever asks us, so thank you for asking.
    I've lived here thirty-odd years and it's never been this bad.
    I could talk all day about this.
    Don't get me started.
    Well.
    The thing is.
    Since you're asking.
    It's a long story.
    Can I be honest?
    I'm not one to complain.
    My biggest thing is this.
    Short version?
    It's the little things that get you.
    Look, I'm just one person, but.
""")

# Lead-ins for a good story.
POSITIVE_OPENERS = _lines("""
    I want to say something good for once.
    It's not all bad.
    Can I say a good thing?
    Credit where it's due.
    Something that's really helped me.
    I'll tell you what's been brilliant.
    I wasn't expecting much, but.
    People always moan, so here's something positive.
    Honestly, hand on heart.
    Put this down as a good news story.
""")

# Turns from the good to the bad in a mixed voice (start of a sentence).
CONTRASTS = _lines("""
    But
    The only thing is,
    Having said that,
    Mind you,
    Trouble is,
    On the other hand,
    Saying that,
    What lets it down is that
    The downside is,
    Then again,
    Shame that
    It's just a pity that
""")

# Ways of placing the speaker in their ward; {ward} is filled, the sentence that follows is joined on.
WARD_FRAMES = _lines("""
    Round here in {ward},
    In {ward},
    Where I live in {ward},
    Here in {ward},
    Down our end of {ward},
    On my street in {ward},
    Up in {ward},
    Living in {ward},
    For us in {ward},
""")

# Endings for a complaint or a plea.
CLOSERS = _lines("""
    That's all I wanted to say.
    Nobody listens, that's the problem.
    It shouldn't be like this.
    I just want someone to do something.
    Sorry, I go on.
    Anyway, that's me.
    Write that down.
    That's the truth of it.
    I don't know who else to tell.
    It's not right.
    I'm not the only one.
    Something's got to give.
    I'm at the end of my rope with it.
    It makes you want to give up.
    We deserve better than this.
    Thanks for listening, at least.
    Please pass it on to someone who can change it.
    And that's on a good week.
    I'm not asking for much.
    End of rant.
    Rant over.
    What else can I do?
    Makes me so angry.
    It's a disgrace really.
    Honestly it's exhausting.
""")

# Endings for a good story.
POSITIVE_CLOSERS = _lines("""
    Please don't cut it.
    Whatever you do, keep it going.
    More of that, please.
    I don't know where I'd be without it.
    It's made a real difference to me.
    Honestly I can't praise them enough.
    Tell them thank you from me.
    It should be everywhere.
    That's what works.
    Keep the funding for it, it matters.
    We need more things like that.
    I've told all my friends about it.
""")

# Who the speaker is, by persona. "[topic]" marks an intro that is itself about that topic.
INTROS: dict[str, tuple[str, ...]] = {
    "older-alone": _lines("""
        [isolation] (f,75-plus) I'm eighty-one and I've lived on my own since my husband passed.
        (75-plus) I'm seventy-six, I've lived in {town} all my life.
        (75-plus) I'm in my eighties now, I don't get about like I used to.
        [isolation] (m) I'm a widower, it's just me in the flat now.
        (65-74) I'm seventy-three, retired, used to work on the buses.
        (f) I'm an old lady, I've seen a lot of changes round here.
        (75-plus) I'm eighty-eight, so bear with me.
        [isolation] (m) My wife died two years ago, I'm on my own now.
    """),
    "carer": _lines("""
        [caring] (adult) I'm a carer for my husband, he had a stroke four years ago.
        [caring] (adult) I look after my mum, she's got dementia.
        [caring] (mid) I care for my son, he's nineteen and has complex needs.
        [caring] (young) I'm a young carer, I look after my mum and my little brother.
        [caring] (adult) I look after my wife, she's got MS.
        [caring] (adult) I care for my dad three days a week and work the other two.
        [caring] (adult) I'm my daughter's full-time carer.
    """),
    "parent": _lines("""
        (parent) I've got three kids under ten.
        (f,parent) I'm a single mum with two boys.
        (m,parent) I'm a dad of four, we're in a two bed.
        I've got a baby and a toddler.
        (f,parent) I'm a mum of three, I work part time at the school.
        (m,parent) I'm a single dad, my daughter is seven.
        I've got twins, they're six.
        We've got a new baby, she's four months.
    """),
    "young": _lines("""
        (16-24) I'm nineteen, I live with my mum and my sisters.
        (young) I'm at college doing health and social care.
        (16-24) I'm twenty-two, I work in a warehouse.
        (16-24) I'm seventeen, I'm still at school.
        (16-24) I'm twenty, I've just moved into my first flat.
        (16-24) I'm twenty-three and I work in a bar.
    """),
    "long-term-condition": _lines("""
        [breathing] I've had COPD for ten years.
        I've got diabetes and high blood pressure.
        [breathing] I've had asthma since I was a kid and it's got worse.
        I've got arthritis in both knees and my back's not good.
        I've got fibromyalgia, most people have never heard of it.
        I had a heart attack two years ago.
        I'm on dialysis three times a week.
        [mental-health] I've got bipolar, I've been stable for a while now.
        I use a wheelchair since my accident.
        I've got sickle cell, I've been in and out of hospital all my life.
    """),
    "not-english-first": _lines("""
        [language] (eal) My English is not so good, sorry.
        (white-other) I came here from Poland fifteen years ago.
        [language] (mid,old,eal) My English is not perfect, my daughter help me with letters.
        I came to England as a refugee six years ago.
        [language] (eal) I speak {language}, English is my second language.
        (asian-bangladeshi) I've been in England since 2004, my family is from Bangladesh.
        (black-african) I am from Somalia, I live here with my children.
        (white-other) I came from Portugal for work, my husband also.
        (white-other,other-any) I'm from Turkey, I run a shop with my brother.
        (other-arab) I'm from Morocco, I came here when I was twenty.
    """),
    "shift-worker": _lines("""
        I work nights as a cleaner.
        I'm a care worker, I do early shifts and split shifts.
        I drive a delivery van, six days a week.
        I work in the hospital kitchens, shifts all over the place.
        I'm a security guard, twelve hour nights.
        I work at the airport, early starts.
        I'm a hospital porter, I do nights.
        I'm a chef, I'm never home before midnight.
    """),
    "general": _lines("""
        I've lived round here about fifteen years.
        I grew up in {town}, my mum and dad still live here.
        I moved here five years ago.
        (45-54) I'm forty-seven, I work in a shop.
        (f,mid,old) I'm a grandmother, I help with the grandkids.
        I work part time, I live with my partner.
        (55-64) I'm fifty-five, I was born on {estate}.
        I moved here from up north for work.
    """),
}

# Fictional personal details, so the redaction step has something to find. Phones are in Ofcom's
# drama range (07700 900000-900999), emails at example.com; streets are made up.
PERSONAL_DATA_LINES = _lines("""
    My neighbour {name} has it even worse than me.
    You can ring me on {phone} if you want to know more.
    My email is {email}, please let me know what happens.
    I live at {address}, come and see for yourself.
    My neighbour {name} at {address} has the same problem.
    My daughter {name_f} helps me, her number is {phone}.
    Contact me at {email} if you need anything else.
    {name} from number 12 told me about this group.
    Send the letter to {address}, not the old one.
    If you need me, {phone}, I'm in after four.
    My support worker {name} said I should tell you.
    My son {name_m} rang them for me, he's on {phone}.
    My mate {name_m} in the flat below said the same.
    Ask for me, {name}, at the cafe, everyone knows me.
""")

FEMALE_NAMES = (
    "Sandra",
    "Tracey",
    "Maureen",
    "Shirley",
    "Leanne",
    "Janet",
    "Fatima",
    "Ayesha",
    "Hodan",
    "Kemi",
    "Grace",
    "Precious",
    "Agnieszka",
    "Ana",
    "Elif",
    "Shirin",
    "Rukhsana",
    "Nasima",
    "Pauline",
    "Beverley",
    "Jade",
    "Kayleigh",
    "Chantelle",
    "Doreen",
)

MALE_NAMES = (
    "Kevin",
    "Darren",
    "Gary",
    "Dean",
    "Mohammed",
    "Abdi",
    "Tunde",
    "Marcus",
    "Tomasz",
    "Joao",
    "Mehmet",
    "Yusuf",
    "Brian",
    "Colin",
    "Connor",
    "Winston",
    "Delroy",
    "Terry",
    "Kofi",
    "Ravi",
)

SURNAMES = (
    "Baker",
    "Turner",
    "Hughes",
    "Clarke",
    "Ahmed",
    "Begum",
    "Okafor",
    "Mensah",
    "Nowak",
    "Silva",
    "Yilmaz",
    "Hassan",
    "Campbell",
    "Reid",
    "Patel",
    "Khan",
    "Walsh",
    "Murphy",
    "Evans",
    "Ali",
)

STREETS = (
    "Elm Road",
    "Cedar Close",
    "Maple Avenue",
    "Willow Court",
    "Beech Grove",
    "Laurel Way",
    "Rowan House",
    "Hawthorn Street",
    "Alder Walk",
    "Juniper Crescent",
    "Chestnut Terrace",
    "Sycamore Gardens",
)
