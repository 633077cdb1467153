"""Coded examples the coding tests train on: a few themes of patient feedback, eight short comments each."""

ENGLISH_EXAMPLES = {
    "waiting": [
        "I waited four hours for the ambulance",
        "the wait for an appointment was far too long",
        "long delays in the emergency department",
        "had to wait three weeks to be seen",
        "it took ages before anyone came",
        "waiting times are terrible",
        "we were kept waiting all afternoon",
        "the clinic was running two hours late",
    ],
    "staff": [
        "the nurses were kind and caring",
        "staff were rude to my mother",
        "a lovely friendly doctor",
        "the receptionist was very helpful",
        "the paramedics were polite and reassuring",
        "staff treated me with respect",
        "the consultant explained everything patiently",
        "the carers were gentle with my dad",
    ],
    "parking": [
        "nowhere to park the car",
        "the car park was full",
        "parking charges are too expensive",
        "could not find a parking space",
        "drove round the car park for half an hour",
        "the disabled bays were all taken",
        "parking at the hospital is a nightmare",
        "had to park on the street and walk",
    ],
    "food": [
        "the meals on the ward were cold",
        "lovely hot dinners",
        "nothing to eat all day",
        "the sandwiches were stale",
        "good choice of food and drinks",
        "no vegetarian meal was offered",
        "tea and toast in the morning was a treat",
        "the food was bland and greasy",
    ],
}
