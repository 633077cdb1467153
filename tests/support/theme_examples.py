"""Coded examples the coding tests train on: a few themes of patient feedback, eight short comments each;
and unseen comments with their translations."""

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

# Comments no model here is trained on, in English and translated by the project, one a theme.
TRANSLATED_COMMENTS = {
    "waiting": {
        "en": "We sat in the waiting room for five hours before anyone saw us.",
        "es": "Estuvimos cinco horas en la sala de espera antes de que nos atendiera alguien.",
        "pl": "Siedzieliśmy w poczekalni pięć godzin, zanim ktokolwiek nas przyjął.",
        "pt": "Ficámos cinco horas na sala de espera até alguém nos atender.",
        "ro": "Am stat cinci ore în sala de așteptare până să ne vadă cineva.",
        "tr": "Biri bizimle ilgilenene kadar bekleme salonunda beş saat oturduk.",
        "ar": "جلسنا في غرفة الانتظار خمس ساعات قبل أن يرانا أحد.",
    },
    "staff": {
        "en": "The nurse who looked after my father was gentle and kind.",
        "es": "La enfermera que cuidó de mi padre fue delicada y amable.",
        "pl": "Pielęgniarka, która opiekowała się moim tatą, była delikatna i życzliwa.",
        "pt": "A enfermeira que cuidou do meu pai foi gentil e carinhosa.",
        "ro": "Asistenta care l-a îngrijit pe tatăl meu a fost blândă și amabilă.",
        "tr": "Babamla ilgilenen hemşire çok nazik ve şefkatliydi.",
        "ar": "كانت الممرضة التي اعتنت بوالدي رقيقة ولطيفة.",
    },
    "parking": {
        "en": "There were no free spaces in the hospital car park.",
        "es": "No había plazas libres en el aparcamiento del hospital.",
        "pl": "Na parkingu przy szpitalu nie było wolnych miejsc.",
        "pt": "Não havia lugares livres no parque de estacionamento do hospital.",
        "ro": "Nu erau locuri libere în parcarea spitalului.",
        "tr": "Hastanenin otoparkında hiç boş yer yoktu.",
        "ar": "لم تكن هناك أماكن شاغرة في موقف سيارات المستشفى.",
    },
}
TRANSLATION_LANGUAGES = ["es", "pl", "pt", "ro", "tr", "ar"]
