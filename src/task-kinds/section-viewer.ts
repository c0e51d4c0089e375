/** The viewer's view of one kind's generations. Filled in by the viewer's move onto the registry. */
export type SectionViewer = {};
