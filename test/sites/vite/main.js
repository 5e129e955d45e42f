import "contact-me";
