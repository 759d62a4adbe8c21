-- A Storyreel project as version 1 of the file format wrote it.
PRAGMA application_id = 1380271436;
PRAGMA user_version = 1;
CREATE TABLE project (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  title TEXT NOT NULL DEFAULT '',
  width INTEGER NOT NULL DEFAULT 1280,
  height INTEGER NOT NULL DEFAULT 720,
  fps INTEGER NOT NULL DEFAULT 24,
  script TEXT NOT NULL DEFAULT ''
);
CREATE TABLE scenes (
  id INTEGER PRIMARY KEY,
  position INTEGER NOT NULL,
  number TEXT,
  heading TEXT NOT NULL DEFAULT ''
);
CREATE TABLE shots (
  id INTEGER PRIMARY KEY,
  scene_id INTEGER NOT NULL REFERENCES scenes (id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  text TEXT NOT NULL DEFAULT '',
  duration REAL NOT NULL DEFAULT 4.0,
  camera TEXT NOT NULL DEFAULT 'static',
  dialogue TEXT NOT NULL DEFAULT ''
);
INSERT INTO project VALUES (1, 'The Old Lighthouse', 1920, 1080, 25, 'INT. LIGHTHOUSE - NIGHT

The lamp turns.');
INSERT INTO scenes VALUES (7, 0, NULL, 'INT. LIGHTHOUSE - NIGHT');
INSERT INTO scenes VALUES (9, 1, '2A', 'EXT. CLIFF - DAWN');
INSERT INTO shots VALUES (11, 7, 0, 'The lamp turns.', 3.5, 'push-in', 'KEEPER: Another night.
KEEPER: (whispering)');
INSERT INTO shots VALUES (12, 7, 1, 'Waves crash below.', 4.0, 'static', '');
INSERT INTO shots VALUES (13, 9, 0, 'The sun rises over the sea.', 5.0, 'pan-left', 'Narration without a speaker');
