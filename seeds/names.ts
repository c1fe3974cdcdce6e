/** Word lists for the demo partnership: names common in the West Midlands, Warwickshire places. */

export const FIRST_NAMES = [
  'Oliver', 'George', 'Harry', 'Jack', 'Jacob', 'Noah', 'Charlie', 'Thomas', 'Oscar', 'William',
  'James', 'Henry', 'Leo', 'Alfie', 'Joshua', 'Freddie', 'Archie', 'Ethan', 'Isaac', 'Alexander',
  'Joseph', 'Edward', 'Samuel', 'Max', 'Daniel', 'Arthur', 'Lucas', 'Mohammed', 'Logan', 'Theo',
  'David', 'Paul', 'Mark', 'Andrew', 'Richard', 'Stephen', 'Peter', 'Michael', 'Christopher', 'Simon',
  'Gareth', 'Ian', 'Neil', 'Graham', 'Martin', 'Kevin', 'Gary', 'Darren', 'Lee', 'Craig',
  'Amelia', 'Olivia', 'Isla', 'Emily', 'Poppy', 'Ava', 'Isabella', 'Jessica', 'Lily', 'Sophie',
  'Grace', 'Sophia', 'Mia', 'Evie', 'Ruby', 'Ella', 'Scarlett', 'Isabelle', 'Chloe', 'Sienna',
  'Freya', 'Phoebe', 'Charlotte', 'Daisy', 'Alice', 'Florence', 'Eva', 'Sofia', 'Millie', 'Lucy',
  'Sarah', 'Emma', 'Claire', 'Rachel', 'Helen', 'Nicola', 'Joanne', 'Karen', 'Susan', 'Julie',
  'Louise', 'Catherine', 'Elizabeth', 'Victoria', 'Rebecca', 'Hannah', 'Laura', 'Gemma', 'Kerry', 'Lisa',
  'Amanda', 'Deborah', 'Alison', 'Fiona', 'Jane', 'Margaret', 'Patricia', 'Angela', 'Tracey', 'Dawn',
  'Priya', 'Aisha', 'Fatima', 'Amira', 'Zara', 'Sana', 'Harpreet', 'Gurpreet', 'Manjit', 'Sunita',
  'Rajesh', 'Sanjay', 'Amit', 'Imran', 'Tariq', 'Bilal', 'Hamza', 'Yusuf', 'Arjun', 'Ravi',
  'Kamal', 'Jaswinder', 'Balvinder', 'Anita', 'Neelam', 'Shabana', 'Nadia', 'Ayesha', 'Samina', 'Parveen',
  'Tomasz', 'Piotr', 'Agnieszka', 'Katarzyna', 'Magdalena', 'Marek', 'Andrei', 'Elena', 'Ioana', 'Mihai',
  'Chidi', 'Ngozi', 'Kwame', 'Abena', 'Tendai', 'Grace', 'Blessing', 'Femi', 'Tunde', 'Adaeze',
  'Siobhan', 'Niamh', 'Ciaran', 'Declan', 'Rhys', 'Owen', 'Megan', 'Bethan', 'Callum', 'Eilidh',
];

export const LAST_NAMES = [
  'Smith', 'Jones', 'Taylor', 'Brown', 'Williams', 'Wilson', 'Johnson', 'Davies', 'Robinson', 'Wright',
  'Thompson', 'Evans', 'Walker', 'White', 'Roberts', 'Green', 'Hall', 'Wood', 'Jackson', 'Clarke',
  'Hughes', 'Edwards', 'Turner', 'Harris', 'Martin', 'Cooper', 'Hill', 'Ward', 'Morris', 'Moore',
  'Clark', 'Lee', 'King', 'Baker', 'Harrison', 'Morgan', 'Allen', 'James', 'Scott', 'Phillips',
  'Watson', 'Davis', 'Parker', 'Price', 'Bennett', 'Young', 'Griffiths', 'Mitchell', 'Kelly', 'Cook',
  'Carter', 'Richardson', 'Bailey', 'Collins', 'Bell', 'Shaw', 'Murphy', 'Miller', 'Cox', 'Richards',
  'Khan', 'Marshall', 'Anderson', 'Simpson', 'Ellis', 'Adams', 'Singh', 'Begum', 'Wilkinson', 'Foster',
  'Chapman', 'Powell', 'Webb', 'Rogers', 'Gray', 'Mason', 'Ali', 'Hunt', 'Hussain', 'Campbell',
  'Matthews', 'Owen', 'Palmer', 'Holmes', 'Mills', 'Barnes', 'Knight', 'Lloyd', 'Butler', 'Russell',
  'Barker', 'Fisher', 'Stevens', 'Jenkins', 'Murray', 'Dixon', 'Harvey', 'Graham', 'Pearson', 'Ahmed',
  'Fletcher', 'Walsh', 'Kaur', 'Gibson', 'Howard', 'Andrews', 'Stewart', 'Elliott', 'Reynolds', 'Saunders',
  'Payne', 'Fox', 'Ford', 'Pearce', 'Day', 'Brooks', 'West', 'Lawrence', 'Cole', 'Atkinson',
  'Bradley', 'Spencer', 'Gill', 'Dawson', 'Ball', 'Burton', "O'Brien", 'Watts', 'Rose', 'Booth',
  'Perry', 'Ryan', 'Grant', 'Wells', 'Armstrong', 'Francis', 'Rees', 'Hayes', 'Hart', 'Hudson',
  'Newman', 'Barrett', 'Webster', 'Hunter', 'Gregory', 'Carr', 'Lowe', 'Page', 'Marsh', 'Riley',
  'Dunn', 'Woods', 'Parsons', 'Berry', 'Stone', 'Reid', 'Holland', 'Hawkins', 'Harding', 'Porter',
  'Patel', 'Sharma', 'Shah', 'Mistry', 'Chauhan', 'Sandhu', 'Dhillon', 'Bains', 'Sidhu', 'Rahman',
  'Iqbal', 'Malik', 'Mahmood', 'Akhtar', 'Choudhury', 'Kowalski', 'Nowak', 'Wisniewski', 'Popescu', 'Okafor',
  'Adeyemi', 'Mensah', 'Osei', 'Moyo', 'Nguyen', 'Chen', 'Wong', 'McCarthy', "O'Connor", 'Doyle',
];

/** Areas of Warwickshire that teams and services are named after. */
export const AREAS = [
  'North Warwickshire', 'Nuneaton', 'Bedworth', 'Rugby', 'Stratford-upon-Avon', 'Warwick',
  'Leamington Spa', 'Kenilworth', 'Atherstone', 'Coleshill', 'Alcester', 'Southam',
  'Shipston-on-Stour', 'Wellesbourne', 'Polesworth', 'Whitnash',
];

/** Towns and villages that schools and nurseries are named after. */
export const PLACES = [
  'Alcester', 'Atherstone', 'Baddesley Ensor', 'Bedworth', 'Bidford-on-Avon', 'Bilton', 'Bishops Itchington',
  'Brailes', 'Brinklow', 'Bulkington', 'Camp Hill', 'Chilvers Coton', 'Claverdon', 'Clifton-upon-Dunsmore',
  'Coleshill', 'Dordon', 'Dunchurch', 'Exhall', 'Fillongley', 'Galley Common', 'Hampton Magna', 'Harbury',
  'Hartshill', 'Henley-in-Arden', 'Hillmorton', 'Kenilworth', 'Keresley', 'Kineton', 'Kingsbury',
  'Lapworth', 'Leamington Spa', 'Lighthorne Heath', 'Long Itchington', 'Long Lawford', 'Mancetter',
  'Napton', 'Newbold', 'Nuneaton', 'Polesworth', 'Radford Semele', 'Rugby', 'Ryton-on-Dunsmore',
  'Shipston-on-Stour', 'Shottery', 'Southam', 'Stockingford', 'Stratford-upon-Avon', 'Studley', 'Tanworth-in-Arden',
  'Tysoe', 'Warton', 'Warwick', 'Water Orton', 'Wellesbourne', 'Whitnash', 'Wolston', 'Wolvey', 'Wootton Wawen',
];

/** School kinds: a name suffix, a weight (how common) and a typical staff size. */
export const SCHOOL_KINDS = [
  { suffix: 'Primary School', weight: 40, staff: [22, 45] },
  { suffix: 'Church of England Primary School', weight: 16, staff: [18, 40] },
  { suffix: 'Catholic Primary School', weight: 8, staff: [20, 40] },
  { suffix: 'Infant School', weight: 6, staff: [15, 30] },
  { suffix: 'Junior School', weight: 6, staff: [18, 35] },
  { suffix: 'Academy', weight: 10, staff: [90, 180] },
  { suffix: 'High School', weight: 8, staff: [90, 170] },
  { suffix: 'School (special)', weight: 4, staff: [40, 90] },
  { suffix: 'Grammar School', weight: 2, staff: [80, 140] },
] as const;

export const NURSERY_NAMES = [
  'Little Acorns Nursery', 'Rainbow Day Nursery', 'Busy Bees Pre-school', 'Tiny Tots Nursery', 'Sunflower Pre-school',
  'Ladybird Day Nursery', 'Kiddi Caru Nursery', 'Treetops Nursery', 'Little Explorers Pre-school', 'Woodland Wonders Nursery',
  'Honeypot Pre-school', 'Squirrels Day Nursery', 'Bright Horizons Nursery', 'Owlets Pre-school', 'Jack in the Box Nursery',
];

export const FEEDBACK_COMMENTS = [
  'Really useful, I now know who to go to with a concern.',
  'Good case studies and discussion.',
  'The referral pathway section was the most helpful part.',
  'Would have liked more time for questions.',
  'Clear and well paced.',
  'Helpful to hear how Channel works in practice.',
  'The videos were a little dated.',
  'I feel more confident raising a concern now.',
  'Good mix of people from different services.',
  'Too much content for the time available.',
  'The trainer knew the local picture well.',
  'Would recommend to colleagues.',
];
