/** "Bea Booked is already booked on this session"; "A and B are already ..."; waiting-list places said as such. */
export function alreadyBookedSentence(people: { personName: string; booking: { status: string } }[]): string {
  const sentence = (group: typeof people, where: string) => {
    const names = group.map((p) => p.personName);
    const list = names.length === 1 ? names[0] : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
    return `${list} ${names.length === 1 ? 'is' : 'are'} already ${where}`;
  };
  const waiting = people.filter((p) => p.booking.status === 'waiting');
  const booked = people.filter((p) => p.booking.status !== 'waiting');
  return [booked.length ? sentence(booked, 'booked on this session') : null, waiting.length ? sentence(waiting, 'on the waiting list for this session') : null]
    .filter(Boolean)
    .join('; ');
}
