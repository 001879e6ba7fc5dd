import { render } from "preact";
import { App } from "./app";
import "./styles.css";
import "./lift.css";

render(<App />, document.getElementById("app")!);
